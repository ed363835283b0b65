// The state database (SPEC §6): managed accounts, the action journal, reconcile runs
// and the last live snapshot per platform. Two backends behind this one interface
// (state/README.md): SQLite (a file: WAL mode, PRAGMA user_version migrations, mode
// 0600) and PostgreSQL (a libpq URI: schema_version table migrations). Bound
// parameters only. `history` and `status` read it without network.
//
// Thread-safety: a Store may be used from several threads; calls are serialised
// internally (one connection). Several processes may open the same state.
// No method throws: database errors become a Status naming the database (a
// PostgreSQL URI always without its password).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync {

enum class JournalStatus { kPending, kSucceeded, kFailed, kDeferred, kHeld };
const char* JournalStatusName(JournalStatus s);  // "pending", "succeeded", ...
// The inverse of JournalStatusName; nullopt for any other text.
std::optional<JournalStatus> ParseJournalStatus(const std::string& name);

struct JournalEntry {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string platform;
  std::string email;
  std::string action;   // VerbName
  std::string payload;  // JSON of the action without secrets (before/after/reason)
  JournalStatus status = JournalStatus::kPending;
  int attempts = 0;
  std::string error;
  int64_t created_at = 0;  // unix seconds
  int64_t updated_at = 0;
};

struct RunRecord {
  int64_t id = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;  // 0 while running
  std::string command;      // "apply", "plan", "run"
  std::string manifest_digest;
  std::string git_commit;   // empty when the manifest is not in a Git work tree
  std::string result;       // "ok", "changes", "failed", "blocked", "interrupted"
};

// One adopt to record (Store::RecordAdopts): the action and the account it makes managed.
// The action is the plan's own, not a copy (100,000 adopts would copy 100,000 actions).
struct Adoption {
  const Action* action = nullptr;  // verb kAdopt; not owned, must outlive the call
  ManagedAccount account;          // same platform and email as the action
};

// One deferred or held action to record without a request (Store::JournalRecordAll).
struct ActionRecord {
  const Action* action = nullptr;                   // not owned, must outlive the call
  JournalStatus status = JournalStatus::kDeferred;  // kDeferred or kHeld
};

// The last reconcile of one platform (for `status` and the daemon's /v1/status).
struct PlatformStatus {
  std::string platform;
  int64_t run_id = 0;
  int64_t at = 0;            // unix seconds
  std::string result;        // "ok", "failed", "blocked", ...
  int64_t actions_succeeded = 0, actions_failed = 0, actions_deferred = 0, actions_held = 0;
  int64_t managed = 0, unmanaged = 0, drift = 0;
  std::string error;
};

struct HistoryQuery {
  std::optional<std::string> email;     // normalised
  std::optional<std::string> platform;
  int limit = 50;  // <= 0: no limit
};

// How a Store is opened. kReadOnly (plan, status, history, export) never creates,
// writes or migrates anything, and works on a read-only file or mount, a file owned by
// another user, or a PostgreSQL role with SELECT only; every write method then fails
// (kFailedPrecondition) and Lock is refused.
enum class StoreAccess { kReadWrite, kReadOnly };

struct LockOptions {
  // Who asks: shown to a refused applier ("idsync-0", "host:pid"). The holder's pid
  // and host are added by the store.
  std::string identity;
  // 0: refuse at once when another holds the lock; else retry until this elapses.
  std::chrono::milliseconds timeout{0};
};

// An exclusive applier's lock (see Store::Lock); released when destroyed. Not
// copyable. Destroy every StoreLock before its Store.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
  StoreLock() = default;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  // True while the lock is still ours. SQLite: always, while this object lives.
  // PostgreSQL: asks the server whether the store's session still holds it; false
  // when the session is gone (the server released it). May block on the store's mutex.
  virtual bool held() = 0;
  virtual const std::string& platform() const = 0;
};

class Store {
 public:
  // Opens `location`: a libpq URI starting with "postgresql://" or "postgres://" is
  // PostgreSQL, anything else a SQLite file path. kReadWrite creates a missing SQLite
  // file (mode 0600) and migrates either backend to this binary's schema version.
  // kReadOnly: see StoreAccess; a missing or empty (schema version 0) SQLite file reads
  // as an empty state and no file is created; a schema newer than this binary is
  // refused, an older one is read as long as the read queries work.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& location,
                                               StoreAccess access = StoreAccess::kReadWrite);
  virtual ~Store() = default;

  // Exclusive appliers (apply and run). Locks `platform` for this store's owner:
  //  - SQLite: one file lock (flock) on "<path>.lock" (mode 0600, holding the holder's
  //    identity, pid, host and time) covers every platform of the file; the store
  //    shares it between its own StoreLocks, the last one destroyed releases it.
  //  - PostgreSQL: a session-level advisory lock per platform on the store's one
  //    connection (released by the server when the session ends). While a platform is
  //    locked through this store, JournalBegin for it is fenced: it fails with
  //    kFailedPrecondition "leadership of platform P lost" unless the session still
  //    holds the lock, checked in the same statement as the insert.
  // Held elsewhere: kUnavailable, a message containing "locked by <holder>" and how to
  // wait (--lock-timeout), after options.timeout. A read-only store: kFailedPrecondition.
  virtual StatusOr<std::unique_ptr<StoreLock>> Lock(const std::string& platform,
                                                    const LockOptions& options) = 0;

  // Retention: deletes journal rows last updated before `cutoff_unix` and runs finished
  // (or, never finished, started) before it. Never deletes a pending row, always keeps
  // the newest journal row of each (platform, email), and keeps every run a kept
  // journal row or a platform status refers to. Returns the number of rows deleted.
  virtual StatusOr<int64_t> Prune(int64_t cutoff_unix) = 0;

  // Runs.
  virtual StatusOr<int64_t> BeginRun(const std::string& command, const std::string& digest,
                                     const std::string& git_commit, int64_t now) = 0;
  virtual Status FinishRun(int64_t run_id, const std::string& result, int64_t now) = 0;
  virtual StatusOr<std::vector<RunRecord>> Runs(int limit) = 0;  // newest first; <= 0: all

  // Managed accounts (last applied): one platform's records, by email.
  virtual StatusOr<ManagedAccounts> Managed(const std::string& platform) = 0;
  virtual Status PutManaged(const ManagedAccount& account) = 0;  // insert or replace
  // Forgetting an account that is not managed is OK.
  virtual Status ForgetManaged(const std::string& platform, const std::string& email) = 0;
  // PutManaged of every account, in order (a later one for the same account wins), and
  // ForgetManaged of every email of `platform`, each call in one transaction: all or
  // nothing, one commit. An empty list writes nothing.
  virtual Status PutManagedAll(const std::vector<ManagedAccount>& accounts) = 0;
  virtual Status ForgetManagedAll(const std::string& platform,
                                  const std::vector<std::string>& emails) = 0;

  // Journal: Begin before the request (status pending, attempts 1), Finish after with
  // the number of HTTP sends the action took (`attempts`, stored as given).
  // A run_id of 0 means "no run". JournalBegin's row is committed and synced when it
  // returns; on PostgreSQL it is also the leadership fence (see Lock). JournalFinish of
  // an unknown id is kNotFound.
  virtual StatusOr<int64_t> JournalBegin(int64_t run_id, const Action& action, int64_t now) = 0;
  virtual Status JournalFinish(int64_t entry_id, JournalStatus status, const std::string& error,
                               int attempts, int64_t now) = 0;
  // Records a deferred or held action without a request (attempts 0); kPending is
  // refused (kInvalidArgument): a pending row means "request maybe sent". When the
  // user's newest row on the platform is the same action (verb and payload) with the
  // same status, that row is refreshed (run_id, updated_at) instead of a new one.
  virtual Status JournalRecord(int64_t run_id, const Action& action, JournalStatus status,
                               int64_t now) = 0;
  // JournalRecord of every record, in order (each compared with the user's newest row
  // as the ones before it left it), in one transaction: all or nothing, one commit. A
  // record without an action or with kPending is kInvalidArgument and nothing is
  // written. An empty list writes nothing.
  virtual Status JournalRecordAll(int64_t run_id, const std::vector<ActionRecord>& records,
                                  int64_t now) = 0;
  // Records the adopts of one reconcile (actions that send nothing: the account is
  // already on the platform as desired) in one transaction: per adoption a journal row
  // with status succeeded and attempts 0, and its managed account (insert or replace).
  // All or nothing; committed and synced once when it returns. On PostgreSQL it is
  // fenced like JournalBegin (see Lock): a session that lost a platform's lock records
  // none of them. Every adoption's action must be an adopt (kInvalidArgument otherwise,
  // nothing written); at most one adoption per account. An empty list writes nothing.
  virtual Status RecordAdopts(int64_t run_id, const std::vector<Adoption>& adoptions,
                              int64_t now) = 0;
  // Entries left pending by a process that died mid-request (any run), oldest first;
  // platform "" means every platform. History is newest first.
  virtual StatusOr<std::vector<JournalEntry>> PendingEntries(const std::string& platform) = 0;
  virtual StatusOr<std::vector<JournalEntry>> History(const HistoryQuery& query) = 0;

  // Per-platform result of the last reconcile (replaces the previous one); listed
  // sorted by platform.
  virtual Status PutPlatformStatus(const PlatformStatus& status) = 0;
  virtual StatusOr<std::vector<PlatformStatus>> PlatformStatuses() = 0;

  // The last live snapshot of a platform (connector-independent JSON text). Stored as
  // its listing part, a JSON object without "taken_at" (daemon/apply/snapshot.h:
  // {"complete":B,"users":[...]}), a digest of that text, and when it was taken.
  // Snapshot() gives it back as one object with "taken_at" first:
  // {"taken_at":N,"complete":B,...} ({"taken_at":N} for a listing "{}"); nullopt when
  // the platform has none.
  // PutSnapshot replaces it. REQUIRES: `listing` is a JSON object's text without a
  // "taken_at" member; `digest` names its content (equal digests: equal texts).
  virtual Status PutSnapshot(const std::string& platform, const std::string& listing,
                             const std::string& digest, int64_t now) = 0;
  // When the stored snapshot of `platform` has this (non-empty) digest, only its time
  // becomes `now` (one small write instead of the whole listing again) and true is
  // returned; otherwise nothing is written and false is returned: PutSnapshot it.
  virtual StatusOr<bool> TouchSnapshot(const std::string& platform, const std::string& digest,
                                       int64_t now) = 0;
  virtual StatusOr<std::optional<std::string>> Snapshot(const std::string& platform) = 0;

  // Platform user ids learnt for an email (orgadmin cannot look a member up by email).
  // nullopt when nothing is cached. PutUserId inserts or replaces.
  virtual StatusOr<std::optional<std::string>> CachedUserId(const std::string& platform,
                                                            const std::string& email) = 0;
  virtual Status PutUserId(const std::string& platform, const std::string& email,
                           const std::string& user_id) = 0;
};

}  // namespace idsync
