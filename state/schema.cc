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
      // 3: a snapshot is split in two: its listing text (the snapshot's JSON without
      // "taken_at") in snapshot_listings, and in snapshots its time, taken_at, which
      // Store::Snapshot puts back in front of the text, and the digest of the text. A
      // reconcile whose listing did not change then updates only that small row, instead
      // of writing the whole listing again (18 MB at 100,000 users, issue 17): SQLite
      // rewrites a whole row, text included, to change one column of it. Rows idsync
      // wrote start with {"taken_at":N, and are converted (N, what readers saw, wins over
      // the column); any other row is dropped: a snapshot only serves to confirm an
      // absence, and the next apply writes a new one. An empty digest matches nothing.
      R"sql(
DELETE FROM snapshots
  WHERE NOT (substr(json, 1, 12) = '{"taken_at":' AND instr(json, ',') > 13 AND
             substr(json, 13, instr(json, ',') - 13) NOT GLOB '*[^0-9-]*');
CREATE TABLE snapshot_listings (
  platform TEXT PRIMARY KEY,
  json     TEXT NOT NULL
);
INSERT INTO snapshot_listings (platform, json)
  SELECT platform, '{' || substr(json, instr(json, ',') + 1) FROM snapshots;
UPDATE snapshots SET taken_at = CAST(substr(json, 13, instr(json, ',') - 13) AS INTEGER);
ALTER TABLE snapshots DROP COLUMN json;
ALTER TABLE snapshots ADD COLUMN digest TEXT NOT NULL DEFAULT '';
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
    // Up to date (every open but the first after an upgrade): nothing to take the write
    // lock for, which would wait behind another process's write transaction.
    if (SchemaVersion(db) == known) return OkStatus();
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
