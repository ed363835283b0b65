// The PostgreSQL schema: the same tables as SQLite's (state/schema.cc), PostgreSQL
// types, versioned in schema_version.
#include "state/pg_uri.h"
#include "state/postgres_store.h"

namespace idsync {

const std::vector<std::string>& PostgresMigrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: the initial schema (SPEC §6).
      R"sql(
CREATE TABLE runs (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at      BIGINT NOT NULL,
  finished_at     BIGINT NOT NULL DEFAULT 0,
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
  retired       BOOLEAN NOT NULL DEFAULT FALSE,
  first_managed BIGINT NOT NULL DEFAULT 0,
  last_seen     BIGINT NOT NULL DEFAULT 0,
  last_asserted BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (platform, email)
);
CREATE TABLE journal (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id     BIGINT REFERENCES runs (id),
  platform   TEXT NOT NULL,
  email      TEXT NOT NULL,
  action     TEXT NOT NULL,
  payload    TEXT NOT NULL DEFAULT '{}',
  status     TEXT NOT NULL
             CHECK (status IN ('pending', 'succeeded', 'failed', 'deferred', 'held')),
  attempts   INTEGER NOT NULL DEFAULT 0,
  error      TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX journal_platform_status ON journal (platform, status);
CREATE INDEX journal_platform_email ON journal (platform, email, id);
CREATE INDEX journal_email ON journal (email);
CREATE TABLE platform_status (
  platform          TEXT PRIMARY KEY,
  run_id            BIGINT REFERENCES runs (id),
  at                BIGINT NOT NULL,
  result            TEXT NOT NULL,
  actions_succeeded BIGINT NOT NULL DEFAULT 0,
  actions_failed    BIGINT NOT NULL DEFAULT 0,
  actions_deferred  BIGINT NOT NULL DEFAULT 0,
  actions_held      BIGINT NOT NULL DEFAULT 0,
  managed           BIGINT NOT NULL DEFAULT 0,
  unmanaged         BIGINT NOT NULL DEFAULT 0,
  drift             BIGINT NOT NULL DEFAULT 0,
  error             TEXT NOT NULL DEFAULT ''
);
CREATE TABLE snapshots (
  platform TEXT PRIMARY KEY,
  taken_at BIGINT NOT NULL,
  json     TEXT NOT NULL
);
CREATE TABLE user_ids (
  platform TEXT NOT NULL,
  email    TEXT NOT NULL,
  user_id  TEXT NOT NULL,
  PRIMARY KEY (platform, email)
);
)sql",
      // 2 (SQLite's 3; PostgreSQL never had SQLite's journal rebuild): a snapshot is
      // split into its listing text (snapshot_listings) and its time and digest
      // (snapshots), as on SQLite (state/schema.cc, migration 3, says why and what is
      // dropped).
      R"sql(
DELETE FROM snapshots WHERE json !~ '^\{"taken_at":-?[0-9]+,';
CREATE TABLE snapshot_listings (
  platform TEXT PRIMARY KEY,
  json     TEXT NOT NULL
);
INSERT INTO snapshot_listings (platform, json)
  SELECT platform, '{' || substring(json FROM strpos(json, ',') + 1) FROM snapshots;
UPDATE snapshots SET taken_at = substring(json FROM '^\{"taken_at":(-?[0-9]+),')::bigint;
ALTER TABLE snapshots DROP COLUMN json;
ALTER TABLE snapshots ADD COLUMN digest TEXT NOT NULL DEFAULT '';
)sql",
  };
  return kMigrations;
}

int PostgresSchemaVersion(PgConn& conn) {
  PgResult exists = conn.Exec("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!exists.boolean(0, 0)) return 0;
  PgResult version = conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return static_cast<int>(version.int64(0, 0));
}

Status MigratePostgres(PgConn& conn, const std::string& name,
                       const std::vector<std::string>& migrations) {
  const int known = static_cast<int>(migrations.size());
  PgTransaction tx(conn);
  // DDL is transactional: the whole upgrade commits or none of it. The advisory
  // transaction lock makes a second opener wait, then see the new version.
  conn.Exec("SELECT pg_advisory_xact_lock($1::bigint)", {std::to_string(MigrationLockKey())});
  const int version = PostgresSchemaVersion(conn);
  if (version > known) {
    return FailedPrecondition(name + " has schema version " + std::to_string(version) +
                              ", this idsync knows up to " + std::to_string(known));
  }
  if (version == known) {
    tx.Commit();
    return OkStatus();
  }
  if (version == 0) conn.ExecScript("CREATE TABLE schema_version (version INTEGER NOT NULL)");
  for (int v = version; v < known; ++v) {
    conn.ExecScript(migrations[static_cast<size_t>(v)]);
  }
  conn.Exec("DELETE FROM schema_version");
  conn.Exec("INSERT INTO schema_version (version) VALUES ($1::integer)",
            {std::to_string(known)});
  tx.Commit();
  return OkStatus();
}

}  // namespace idsync
