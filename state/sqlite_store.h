// The SQLite implementation of Store (state/store.h). Internal to state/: everyone
// else opens it through Store::Open.
//
// Durability: journal_mode=WAL with synchronous=NORMAL, plus an explicit sync of the
// WAL before JournalBegin returns. A commit is in the WAL (and survives a killed
// process) as soon as it returns; only power loss could lose the last ones. SPEC §3
// wants a journal row on disk before its request leaves, so JournalBegin fdatasyncs
// the WAL, which also makes every earlier commit durable. Concurrent begins share one
// sync (group commit): a thread whose row an ongoing or finished sync already covered
// does not sync again. FULL synced at every commit, three syncs per action one after
// another, which capped a platform at a few dozen actions a second on a busy disk.
//
// Read-only (StoreAccess::kReadOnly): opened with mode=ro when a -wal file exists (a
// writer is or was active: its WAL is read through the existing -shm), else with
// immutable=1, so that no -wal or -shm file is ever created by a reader; every write
// fails (query_only). A missing or empty file reads as an empty in-memory state.
//
// Thread-safety: one connection, every call under one mutex; the WAL sync runs outside
// it under its own.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "state/lock_file.h"
#include "state/sqlite_error.h"
#include "state/store.h"
#include "state/wal_file.h"

namespace idsync {

// Opens the SQLite state at `path` (Store::Open's SQLite half).
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, StoreAccess access);

// An empty, read-only state at the current schema, in memory only: what a read-only
// opener sees of a state that does not exist yet. Messages name `name`.
StatusOr<std::unique_ptr<Store>> OpenEmptyReadOnlyState(const std::string& name);

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SQLite::Database db, StoreAccess access);
  ~SqliteStore() override;

  // Replaces fdatasync for the write-ahead log (tests inject a failing sync).
  void SetWalSyncForTesting(WalFile::SyncFn sync);

  // Every Store method (state/store.h), declared once for both backends.
#include "state/store_overrides.inc"

 private:
  // Runs `body` under the mutex; a SQLite::Exception (or any other) becomes a Status
  // "state DB PATH: WHAT: message". `body` returns Status or StatusOr<T>.
  template <typename Body>
  auto Locked(const std::string& what, Body&& body) -> decltype(body()) {
    std::lock_guard<std::mutex> lock(mu_);
    try {
      return body();
    } catch (const SQLite::Exception& e) {
      return SqliteError(path_, what, e);
    } catch (const std::exception& e) {
      return Internal("state DB " + path_ + ": " + what + ": " + e.what());
    }
  }

  // Binds a run id, 0 meaning "no run" (NULL, so the foreign key holds).
  static void BindRunId(SQLite::Statement& st, int index, int64_t run_id);

  // Insert or replace of one managed account, and its parameters bound from `account`.
  static const char* const kPutManaged;
  // Parameters `first` to `first` + 7 (a row of a multi-row insert starts further on).
  // With `keep`, texts are bound without a copy: `account` must outlive the statement's
  // execution, and the texts encoded here are appended to *keep, whose capacity must
  // hold them (never reallocated while bound).
  static void BindManaged(SQLite::Statement& st, const ManagedAccount& account, int first = 1,
                          std::vector<std::string>* keep = nullptr);

  // Insert of one journal row, and its parameters bound.
  static const char* const kInsertJournal;
  // Parameters `first` to `first` + 8; `keep` as for BindManaged (`action` must outlive
  // the execution).
  static void BindJournal(SQLite::Statement& st, int64_t run_id, const Action& action,
                          JournalStatus status, int attempts, int64_t now, int first = 1,
                          std::vector<std::string>* keep = nullptr);
  // Binds `text` at `index`: copied, or without a copy when `keep` is given (see above).
  static void BindText(SQLite::Statement& st, int index, const std::string& text,
                       std::vector<std::string>* keep);
  // Inserts one journal row. REQUIRES: mu_ held. Throws SQLite::Exception.
  int64_t InsertJournal(int64_t run_id, const Action& action, JournalStatus status,
                        int attempts, int64_t now);

  // Makes every commit up to number `commit` durable (see Durability above).
  Status SyncWal(uint64_t commit);

  const std::string path_;
  const StoreAccess access_;
  const std::shared_ptr<LockFile> lock_file_;
  std::mutex mu_;
  SQLite::Database db_;        // guarded by mu_
  uint64_t commits_ = 0;       // journal begins committed; guarded by mu_
  std::mutex sync_mu_;
  uint64_t synced_ = 0;        // commits known durable; guarded by sync_mu_
  WalFile wal_;                // the -wal file (re-opened when replaced); guarded by sync_mu_
};

}  // namespace idsync
