#include "state/schema.h"

#include <SQLiteCpp/Transaction.h>

#include "state/sqlite_error.h"

namespace idsync {

const std::vector<std::string>& SchemaMigrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: the initial schema (SPEC §6).
      R"sql(
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER NOT NULL DEFAULT 0,
  command         TEXT NOT NULL,
  manifest_digest TEXT NOT NULL DEFAULT '',
  git_commit      TEXT NOT NULL DEFAULT '',
  result          TEXT NOT NULL DEFAULT ''
);
CREATE TABLE managed_accounts (
  platform      TEXT NOT NULL,
  email         TEXT NOT NULL,
  user_id       TEXT NOT NULL DEFAULT '',
  grants        TEXT NOT NULL DEFAULT '{}',
  retired       INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
  first_managed INTEGER NOT NULL DEFAULT 0,
  last_seen     INTEGER NOT NULL DEFAULT 0,
  last_asserted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (platform, email)
);
CREATE TABLE journal (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     INTEGER REFERENCES runs (id),
  platform   TEXT NOT NULL,
  email      TEXT NOT NULL,
  action     TEXT NOT NULL,
  payload    TEXT NOT NULL DEFAULT '{}',
  status     TEXT NOT NULL
             CHECK (status IN ('pending', 'succeeded', 'failed', 'deferred', 'held')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  error      TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX journal_platform_status ON journal (platform, status);
CREATE INDEX journal_email ON journal (email);
CREATE TABLE platform_status (
  platform          TEXT PRIMARY KEY,
  run_id            INTEGER REFERENCES runs (id),
  at                INTEGER NOT NULL,
  result            TEXT NOT NULL,
  actions_succeeded INTEGER NOT NULL DEFAULT 0,
  actions_failed    INTEGER NOT NULL DEFAULT 0,
  actions_deferred  INTEGER NOT NULL DEFAULT 0,
  actions_held      INTEGER NOT NULL DEFAULT 0,
  managed           INTEGER NOT NULL DEFAULT 0,
  unmanaged         INTEGER NOT NULL DEFAULT 0,
  drift             INTEGER NOT NULL DEFAULT 0,
  error             TEXT NOT NULL DEFAULT ''
);
CREATE TABLE snapshots (
  platform TEXT PRIMARY KEY,
  taken_at INTEGER NOT NULL,
  json     TEXT NOT NULL
);
CREATE TABLE user_ids (
  platform TEXT NOT NULL,
  email    TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  PRIMARY KEY (platform, email)
);
)sql",
      // 2: the journal's status CHECK as a chain of comparisons, which accepts exactly
      // the same words. `status IN (five words)` made SQLite build a temporary index for
      // every row written or status updated: a third of the cost of recording 100,000
      // adopts (issue 17). SQLite cannot alter a CHECK, so the table is rebuilt with the
      // same columns, rows, ids, indexes and AUTOINCREMENT high-water mark.
      R"sql(
CREATE TABLE journal_v2 (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     INTEGER REFERENCES runs (id),
  platform   TEXT NOT NULL,
  email      TEXT NOT NULL,
  action     TEXT NOT NULL,
  payload    TEXT NOT NULL DEFAULT '{}',
  status     TEXT NOT NULL
             CHECK (status = 'pending' OR status = 'succeeded' OR status = 'failed' OR
                    status = 'deferred' OR status = 'held'),
  attempts   INTEGER NOT NULL DEFAULT 0,
  error      TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO journal_v2 (id, run_id, platform, email, action, payload, status, attempts, error,
                        created_at, updated_at)
  SELECT id, run_id, platform, email, action, payload, status, attempts, error, created_at,
         updated_at FROM journal ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'journal_v2';
INSERT INTO sqlite_sequence (name, seq) SELECT 'journal_v2', seq FROM sqlite_sequence
  WHERE name = 'journal';
DROP TABLE journal;
ALTER TABLE journal_v2 RENAME TO journal;
CREATE INDEX journal_platform_status ON journal (platform, status);
CREATE INDEX journal_email ON journal (email);
)sql",
  };
  return kMigrations;
}

int SchemaVersion(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

Status Migrate(SQLite::Database& db, const std::string& path,
               const std::vector<std::string>& migrations) {
  const int known = static_cast<int>(migrations.size());
  try {
    while (true) {
      // IMMEDIATE takes the write lock before reading the version: a second process
      // waits (busy timeout) and then sees the version this one committed.
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      const int version = SchemaVersion(db);
      if (version > known) {
        return FailedPrecondition("state DB " + path + " has schema version " +
                                  std::to_string(version) + ", this idsync knows up to " +
                                  std::to_string(known));
      }
      if (version == known) {
        tx.commit();
        return OkStatus();
      }
      db.exec(migrations[static_cast<std::size_t>(version)]);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.exec("PRAGMA user_version = " + std::to_string(version + 1));
      tx.commit();
    }
  } catch (const SQLite::Exception& e) {
    return SqliteError(path, "migrate the schema", e);
  }
}

}  // namespace idsync
