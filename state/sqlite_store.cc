#include "state/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "state/codec.h"
#include "state/db_file.h"
#include "state/schema.h"

namespace idsync {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// SQLite's LIMIT -1 means no limit.
int64_t SqlLimit(int limit) { return limit > 0 ? limit : -1; }

}  // namespace

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreAccess) {
  if (path.empty()) return InvalidArgument("state DB path is empty");
  // The file exists with mode 0600 before SQLite opens it; SQLite gives the -wal and
  // -shm files it creates the database file's mode.
  if (Status s = PreparePrivateFile(path); !s.ok()) return s;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE, kBusyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON");
    const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      return FailedPrecondition("state DB " + path +
                                ": cannot switch to WAL journal mode (it stays \"" + mode +
                                "\")");
    }
    db.exec("PRAGMA synchronous = NORMAL");  // and JournalBegin syncs: see sqlite_store.h
    if (Status s = Migrate(db, path); !s.ok()) return s;
    if (Status s = TightenCompanionFiles(path); !s.ok()) return s;
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(path, std::move(db)));
  } catch (const SQLite::Exception& e) {
    return SqliteError(path, "open", e);
  }
}

SqliteStore::SqliteStore(std::string path, SQLite::Database db)
    : path_(std::move(path)), db_(std::move(db)) {}

SqliteStore::~SqliteStore() {
  if (wal_fd_ >= 0) close(wal_fd_);
}

Status SqliteStore::SyncWal(uint64_t commit) {
  std::lock_guard lock(sync_mu_);
  if (synced_ >= commit) return OkStatus();  // a sync that started after it covered it
  uint64_t covered;
  {
    std::lock_guard db_lock(mu_);
    covered = commits_;  // every commit so far is in the WAL file when this sync starts
  }
  if (wal_fd_ < 0) wal_fd_ = open((path_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
  if (wal_fd_ < 0 || fdatasync(wal_fd_) != 0) {
    return Unavailable("state DB " + path_ + ": cannot sync the write-ahead log: " +
                       std::strerror(errno));
  }
  synced_ = covered;
  return OkStatus();
}

void SqliteStore::BindRunId(SQLite::Statement& st, int index, int64_t run_id) {
  if (run_id == 0) {
    st.bind(index);
  } else {
    st.bind(index, run_id);
  }
}

// Runs.

StatusOr<int64_t> SqliteStore::BeginRun(const std::string& command, const std::string& digest,
                                        const std::string& git_commit, int64_t now) {
  return Locked("begin run", [&]() -> StatusOr<int64_t> {
    SQLite::Statement st(db_,
                         "INSERT INTO runs (started_at, command, manifest_digest, git_commit) "
                         "VALUES (?, ?, ?, ?)");
    st.bind(1, now);
    st.bind(2, command);
    st.bind(3, digest);
    st.bind(4, git_commit);
    st.exec();
    return db_.getLastInsertRowid();
  });
}

Status SqliteStore::FinishRun(int64_t run_id, const std::string& result, int64_t now) {
  return Locked("finish run " + std::to_string(run_id), [&]() -> Status {
    SQLite::Statement st(db_, "UPDATE runs SET finished_at = ?, result = ? WHERE id = ?");
    st.bind(1, now);
    st.bind(2, result);
    st.bind(3, run_id);
    if (st.exec() == 0) {
      return NotFound("state DB " + path_ + ": no run " + std::to_string(run_id));
    }
    return OkStatus();
  });
}

StatusOr<std::vector<RunRecord>> SqliteStore::Runs(int limit) {
  return Locked("list runs", [&]() -> StatusOr<std::vector<RunRecord>> {
    SQLite::Statement st(db_,
                         "SELECT id, started_at, finished_at, command, manifest_digest, "
                         "git_commit, result FROM runs ORDER BY id DESC LIMIT ?");
    st.bind(1, SqlLimit(limit));
    std::vector<RunRecord> runs;
    while (st.executeStep()) {
      RunRecord r;
      r.id = st.getColumn(0).getInt64();
      r.started_at = st.getColumn(1).getInt64();
      r.finished_at = st.getColumn(2).getInt64();
      r.command = st.getColumn(3).getString();
      r.manifest_digest = st.getColumn(4).getString();
      r.git_commit = st.getColumn(5).getString();
      r.result = st.getColumn(6).getString();
      runs.push_back(std::move(r));
    }
    return runs;
  });
}

// Managed accounts.

StatusOr<ManagedAccounts> SqliteStore::Managed(const std::string& platform) {
  return Locked("managed accounts of " + platform, [&]() -> StatusOr<ManagedAccounts> {
    SQLite::Statement st(db_,
                         "SELECT email, user_id, grants, retired, first_managed, last_seen, "
                         "last_asserted FROM managed_accounts WHERE platform = ?");
    st.bind(1, platform);
    ManagedAccounts accounts;
    while (st.executeStep()) {
      ManagedAccount a;
      a.platform = platform;
      a.email = st.getColumn(0).getString();
      a.user_id = st.getColumn(1).getString();
      StatusOr<Grants> grants = DecodeGrants(st.getColumn(2).getString());
      if (!grants.ok()) {
        return grants.status().WithContext("state DB " + path_ + ": managed account " +
                                           platform + "/" + a.email);
      }
      a.grants = std::move(*grants);
      a.retired = st.getColumn(3).getInt() != 0;
      a.first_managed = st.getColumn(4).getInt64();
      a.last_seen = st.getColumn(5).getInt64();
      a.last_asserted = st.getColumn(6).getInt64();
      std::string email = a.email;
      accounts.emplace(std::move(email), std::move(a));
    }
    return accounts;
  });
}

Status SqliteStore::PutManaged(const ManagedAccount& account) {
  return Locked("store managed account " + account.platform + "/" + account.email,
                [&]() -> Status {
                  SQLite::Statement st(
                      db_,
                      "INSERT OR REPLACE INTO managed_accounts (platform, email, user_id, "
                      "grants, retired, first_managed, last_seen, last_asserted) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                  st.bind(1, account.platform);
                  st.bind(2, account.email);
                  st.bind(3, account.user_id);
                  st.bind(4, EncodeGrants(account.grants));
                  st.bind(5, account.retired ? 1 : 0);
                  st.bind(6, account.first_managed);
                  st.bind(7, account.last_seen);
                  st.bind(8, account.last_asserted);
                  st.exec();
                  return OkStatus();
                });
}

Status SqliteStore::ForgetManaged(const std::string& platform, const std::string& email) {
  return Locked("forget managed account " + platform + "/" + email, [&]() -> Status {
    SQLite::Statement st(db_, "DELETE FROM managed_accounts WHERE platform = ? AND email = ?");
    st.bind(1, platform);
    st.bind(2, email);
    st.exec();
    return OkStatus();
  });
}

}  // namespace idsync
