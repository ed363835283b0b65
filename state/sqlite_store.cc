#include "state/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include "state/codec.h"

namespace idsync {
namespace {

// A statement on the bare SQLite API, for reading many rows: columns are read in
// place (SQLiteCpp's Column copies a shared pointer per value). Throws SQLite::Exception.
class RawStatement {
 public:
  RawStatement(SQLite::Database& db, const char* sql) : db_(db.getHandle()) {
    Check(sqlite3_prepare_v2(db_, sql, -1, &st_, nullptr));
  }
  ~RawStatement() { sqlite3_finalize(st_); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  // Binds `text` without a copy: it must outlive the statement.
  void BindText(int index, const std::string& text) {
    Check(sqlite3_bind_text(st_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
  }
  // True when a row is ready, false when done.
  bool Step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Check(rc);
    return false;
  }
  // A text column of the current row, in place: valid until the next step. NULL is "".
  std::string_view Text(int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st_, column));
    if (text == nullptr) return {};
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(st_, column))};
  }
  int64_t Int64(int column) { return sqlite3_column_int64(st_, column); }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) throw SQLite::Exception(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

// SQLite's LIMIT -1 means no limit.
int64_t SqlLimit(int limit) { return limit > 0 ? limit : -1; }

}  // namespace

const char* const SqliteStore::kPutManaged =
    "INSERT OR REPLACE INTO managed_accounts (platform, email, user_id, grants, retired, "
    "first_managed, last_seen, last_asserted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

SqliteStore::SqliteStore(std::string path, SQLite::Database db, StoreAccess access)
    : path_(std::move(path)),
      access_(access),
      lock_file_(std::make_shared<LockFile>(path_)),
      db_(std::move(db)),
      wal_(path_ + "-wal") {}

SqliteStore::~SqliteStore() = default;

void SqliteStore::SetWalSyncForTesting(WalFile::SyncFn sync) {
  std::lock_guard lock(sync_mu_);
  wal_.set_sync(std::move(sync));
}

Status SqliteStore::SyncWal(uint64_t commit) {
  std::lock_guard lock(sync_mu_);
  if (synced_ >= commit) return OkStatus();  // a sync that started after it covered it
  uint64_t covered;
  {
    std::lock_guard db_lock(mu_);
    covered = commits_;  // every commit so far is in the WAL file when this sync starts
  }
  if (Status s = wal_.Sync(); !s.ok()) {
    return Unavailable("state DB " + path_ + ": cannot sync the write-ahead log: " + s.message());
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
    // In email order: the primary key's order, no sort, and each row goes at the end
    // of the map.
    RawStatement st(db_,
                    "SELECT email, user_id, grants, retired, first_managed, last_seen, "
                    "last_asserted FROM managed_accounts WHERE platform = ? ORDER BY email");
    st.BindText(1, platform);
    ManagedAccounts accounts;
    while (st.Step()) {
      ManagedColumns r;
      r.email = st.Text(0);
      r.user_id = st.Text(1);
      r.grants = st.Text(2);
      r.retired = st.Int64(3) != 0;
      r.first_managed = st.Int64(4);
      r.last_seen = st.Int64(5);
      r.last_asserted = st.Int64(6);
      if (Status s = AddManagedRow(r, accounts); !s.ok()) {
        return s.WithContext("state DB " + path_ + ": managed account " + platform + "/" +
                             std::string(r.email));
      }
    }
    return accounts;
  });
}

void SqliteStore::BindText(SQLite::Statement& st, int index, const std::string& text,
                           std::vector<std::string>* keep) {
  if (keep) {
    st.bindNoCopy(index, text);
  } else {
    st.bind(index, text);
  }
}

void SqliteStore::BindManaged(SQLite::Statement& st, const ManagedAccount& account, int first,
                              std::vector<std::string>* keep) {
  BindText(st, first, account.platform, keep);
  BindText(st, first + 1, account.email, keep);
  BindText(st, first + 2, account.user_id, keep);
  if (keep) {
    BindText(st, first + 3, keep->emplace_back(EncodeGrants(account.grants)), keep);
  } else {
    st.bind(first + 3, EncodeGrants(account.grants));
  }
  st.bind(first + 4, account.retired ? 1 : 0);
  st.bind(first + 5, account.first_managed);
  st.bind(first + 6, account.last_seen);
  st.bind(first + 7, account.last_asserted);
}

Status SqliteStore::PutManaged(const ManagedAccount& account) {
  return Locked("store managed account " + account.platform + "/" + account.email,
                [&]() -> Status {
                  SQLite::Statement st(db_, kPutManaged);
                  BindManaged(st, account);
                  st.exec();
                  return OkStatus();
                });
}

Status SqliteStore::PutManagedAll(const std::vector<ManagedAccount>& accounts) {
  if (accounts.empty()) return OkStatus();
  return Locked("store " + std::to_string(accounts.size()) + " managed account(s)", [&]() -> Status {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_, kPutManaged);
    for (const ManagedAccount& account : accounts) {
      BindManaged(st, account);
      st.exec();
      st.reset();
    }
    tx.commit();
    return OkStatus();
  });
}

Status SqliteStore::ForgetManagedAll(const std::string& platform,
                                     const std::vector<std::string>& emails) {
  if (emails.empty()) return OkStatus();
  return Locked("forget " + std::to_string(emails.size()) + " managed account(s) of " + platform,
                [&]() -> Status {
                  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
                  SQLite::Statement st(
                      db_, "DELETE FROM managed_accounts WHERE platform = ? AND email = ?");
                  for (const std::string& email : emails) {
                    st.bind(1, platform);
                    st.bind(2, email);
                    st.exec();
                    st.reset();
                  }
                  tx.commit();
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
