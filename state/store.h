// The state database (SPEC §6): SQLite in WAL mode, schema versioned with
// PRAGMA user_version and forward-only migrations, bound parameters only, file mode
// 0600. Holds managed accounts, the action journal, reconcile runs and the last live
// snapshot per platform. `history` and `status` read it without network.
//
// Thread-safety: a Store may be used from several threads; calls are serialised
// internally. Several processes may open the same file (WAL, busy timeout).
// No method throws: SQLite errors become a Status naming the database path.
#pragma once

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

enum class StoreAccess { kReadWrite, kReadOnly };

class Store {
 public:
  // Opens (creating with mode 0600 if absent) and migrates the database at `location`.
  // SQLite ignores `access` for now (the file is opened read-write either way).
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& location,
                                               StoreAccess access = StoreAccess::kReadWrite);
  virtual ~Store() = default;

  // Runs.
  virtual StatusOr<int64_t> BeginRun(const std::string& command, const std::string& digest,
                                     const std::string& git_commit, int64_t now) = 0;
  virtual Status FinishRun(int64_t run_id, const std::string& result, int64_t now) = 0;
  virtual StatusOr<std::vector<RunRecord>> Runs(int limit) = 0;  // newest first; <= 0: all

  // Managed accounts (last applied).
  virtual StatusOr<ManagedAccounts> Managed(const std::string& platform) = 0;
  virtual Status PutManaged(const ManagedAccount& account) = 0;  // insert or replace
  // Forgetting an account that is not managed is OK.
  virtual Status ForgetManaged(const std::string& platform, const std::string& email) = 0;

  // Journal: Begin before the request (status pending, attempts 1), Finish after.
  // A run_id of 0 means "no run". JournalBegin's row is committed and synced when it
  // returns. JournalFinish of an unknown id is kNotFound.
  virtual StatusOr<int64_t> JournalBegin(int64_t run_id, const Action& action, int64_t now) = 0;
  virtual Status JournalFinish(int64_t entry_id, JournalStatus status, const std::string& error,
                               int64_t now) = 0;
  // Records a deferred or held action without a request (attempts 0); kPending is
  // refused (kInvalidArgument): a pending row means "request maybe sent". When the
  // user's newest row on the platform is the same action (verb and payload) with the
  // same status, that row is refreshed (run_id, updated_at) instead of a new one.
  virtual Status JournalRecord(int64_t run_id, const Action& action, JournalStatus status,
                               int64_t now) = 0;
  // Entries left pending by a process that died mid-request (any run), oldest first;
  // platform "" means every platform. History is newest first.
  virtual StatusOr<std::vector<JournalEntry>> PendingEntries(const std::string& platform) = 0;
  virtual StatusOr<std::vector<JournalEntry>> History(const HistoryQuery& query) = 0;

  // Per-platform result of the last reconcile (replaces the previous one); listed
  // sorted by platform.
  virtual Status PutPlatformStatus(const PlatformStatus& status) = 0;
  virtual StatusOr<std::vector<PlatformStatus>> PlatformStatuses() = 0;

  // The last live snapshot of a platform, as JSON text (connector-independent).
  virtual Status PutSnapshot(const std::string& platform, const std::string& json,
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
