#include "state/postgres_store.h"

#include <utility>

#include "state/codec.h"
#include "state/pg_uri.h"
#include "state/sqlite_store.h"

namespace idsync {
namespace {

std::string Int(int64_t v) { return std::to_string(v); }

// The read-only half of OpenPostgresStore: no migration, reads only.
StatusOr<std::unique_ptr<Store>> OpenReadOnly(const std::string& uri, const std::string& name,
                                              std::unique_ptr<PgConn> conn) {
  try {
    ConfigureSession(*conn, StoreAccess::kReadOnly);
    const int version = PostgresSchemaVersion(*conn);
    const int known = static_cast<int>(PostgresMigrations().size());
    if (version == 0) return OpenEmptyReadOnlyState(RedactUri(uri));  // nothing there yet
    if (version > known) {
      return FailedPrecondition(name + " has schema version " + std::to_string(version) +
                                ", this idsync knows up to " + std::to_string(known));
    }
  } catch (const PgError& e) {
    return PostgresError(name, "open read-only", e);
  }
  return std::unique_ptr<Store>(
      std::make_unique<PostgresStore>(name, std::move(conn), StoreAccess::kReadOnly, "on"));
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, StoreAccess access) {
  const std::string name = "state DB " + RedactUri(uri);
  StatusOr<std::unique_ptr<PgConn>> conn = PgConn::Connect(PostgresKeywords(uri), name);
  if (!conn.ok()) return conn.status();
  if (access == StoreAccess::kReadOnly) return OpenReadOnly(uri, name, std::move(*conn));
  std::string journal_commit;
  try {
    if (Status s = MigratePostgres(**conn, name); !s.ok()) return s;
    journal_commit = ConfigureSession(**conn, StoreAccess::kReadWrite);
  } catch (const PgError& e) {
    return PostgresError(name, "migrate the schema", e);
  }
  return std::unique_ptr<Store>(std::make_unique<PostgresStore>(
      name, std::move(*conn), StoreAccess::kReadWrite, std::move(journal_commit)));
}

std::string ConfigureSession(PgConn& conn, StoreAccess access) {
  if (access == StoreAccess::kReadOnly) {
    conn.Exec("SELECT set_config('default_transaction_read_only', 'on', false)");
    return "on";
  }
  std::string level = conn.Exec("SELECT current_setting('synchronous_commit')").text(0, 0);
  conn.Exec("SELECT set_config('synchronous_commit', 'off', false)");
  return level;
}

PostgresStore::PostgresStore(std::string name, std::unique_ptr<PgConn> conn, StoreAccess access,
                             std::string journal_commit)
    : name_(std::move(name)),
      access_(access),
      journal_commit_(std::move(journal_commit)),
      conn_(std::move(conn)) {}

Status PostgresStore::EnsureSession(const std::string& what) {
  if (conn_->ok()) return OkStatus();
  if (!held_.empty()) {
    // Never silently: a new session would not hold this store's locks.
    return Unavailable(name_ + ": " + what + ": the database session holding the lock of " +
                       held_.begin()->first + " is gone; leadership is lost");
  }
  if (!conn_->Reset()) return Unavailable(name_ + ": " + what + ": cannot reconnect");
  try {
    ConfigureSession(*conn_, access_);
  } catch (const PgError& e) {
    return PostgresError(name_, what, e);
  }
  return OkStatus();
}

// Runs.

StatusOr<int64_t> PostgresStore::BeginRun(const std::string& command, const std::string& digest,
                                          const std::string& git_commit, int64_t now) {
  return Locked("begin run", [&]() -> StatusOr<int64_t> {
    PgResult r = conn_->Exec(
        "INSERT INTO runs (started_at, command, manifest_digest, git_commit) "
        "VALUES ($1, $2, $3, $4) RETURNING id",
        {Int(now), command, digest, git_commit});
    return r.int64(0, 0);
  });
}

Status PostgresStore::FinishRun(int64_t run_id, const std::string& result, int64_t now) {
  return Locked("finish run " + Int(run_id), [&]() -> Status {
    PgResult r = conn_->Exec("UPDATE runs SET finished_at = $1, result = $2 WHERE id = $3",
                             {Int(now), result, Int(run_id)});
    if (r.affected() == 0) return NotFound(name_ + ": no run " + Int(run_id));
    return OkStatus();
  });
}

StatusOr<std::vector<RunRecord>> PostgresStore::Runs(int limit) {
  return Locked("list runs", [&]() -> StatusOr<std::vector<RunRecord>> {
    PgResult r = conn_->Exec(
        "SELECT id, started_at, finished_at, command, manifest_digest, git_commit, result "
        "FROM runs ORDER BY id DESC LIMIT $1",
        {limit > 0 ? PgParam(Int(limit)) : PgParam()});  // LIMIT NULL: no limit
    std::vector<RunRecord> runs;
    for (int i = 0; i < r.rows(); ++i) {
      RunRecord run;
      run.id = r.int64(i, 0);
      run.started_at = r.int64(i, 1);
      run.finished_at = r.int64(i, 2);
      run.command = r.text(i, 3);
      run.manifest_digest = r.text(i, 4);
      run.git_commit = r.text(i, 5);
      run.result = r.text(i, 6);
      runs.push_back(std::move(run));
    }
    return runs;
  });
}

// Managed accounts.

StatusOr<ManagedAccounts> PostgresStore::Managed(const std::string& platform) {
  return Locked("managed accounts of " + platform, [&]() -> StatusOr<ManagedAccounts> {
    PgResult r = conn_->Exec(
        "SELECT email, user_id, grants, retired, first_managed, last_seen, last_asserted "
        "FROM managed_accounts WHERE platform = $1",
        {platform});
    ManagedAccounts accounts;
    for (int i = 0; i < r.rows(); ++i) {
      ManagedColumns row;
      row.email = r.view(i, 0);
      row.user_id = r.view(i, 1);
      row.grants = r.view(i, 2);
      row.retired = r.boolean(i, 3);
      row.first_managed = r.int64(i, 4);
      row.last_seen = r.int64(i, 5);
      row.last_asserted = r.int64(i, 6);
      if (Status s = AddManagedRow(row, accounts); !s.ok()) {
        return s.WithContext(name_ + ": managed account " + platform + "/" + std::string(row.email));
      }
    }
    return accounts;
  });
}

Status PostgresStore::PutManaged(const ManagedAccount& a) {
  return Locked("store managed account " + a.platform + "/" + a.email, [&]() -> Status {
    conn_->Exec(
        "INSERT INTO managed_accounts (platform, email, user_id, grants, retired, "
        "first_managed, last_seen, last_asserted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (platform, email) DO UPDATE SET user_id = EXCLUDED.user_id, "
        "grants = EXCLUDED.grants, retired = EXCLUDED.retired, "
        "first_managed = EXCLUDED.first_managed, last_seen = EXCLUDED.last_seen, "
        "last_asserted = EXCLUDED.last_asserted",
        {a.platform, a.email, a.user_id, EncodeGrants(a.grants), a.retired ? "true" : "false",
         Int(a.first_managed), Int(a.last_seen), Int(a.last_asserted)});
    return OkStatus();
  });
}

Status PostgresStore::ForgetManaged(const std::string& platform, const std::string& email) {
  return Locked("forget managed account " + platform + "/" + email, [&]() -> Status {
    conn_->Exec("DELETE FROM managed_accounts WHERE platform = $1 AND email = $2",
                {platform, email});
    return OkStatus();
  });
}

}  // namespace idsync
