// PostgresStore: per-platform advisory locks (leadership, exclusive appliers) and
// retention.
#include <chrono>
#include <thread>
#include <utility>

#include "state/pg_uri.h"
#include "state/postgres_store.h"

namespace idsync {
namespace {

// How often a waiting applier (--lock-timeout) tries again.
constexpr std::chrono::milliseconds kPollInterval{100};

constexpr const char* kOwnLockExists =
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND classid = $1::oid AND objid = $2::oid AND objsubid = 1)";

class PostgresStoreLock final : public StoreLock {
 public:
  PostgresStoreLock(PostgresStore& store, std::string platform)
      : store_(store), platform_(std::move(platform)) {}
  ~PostgresStoreLock() override { store_.Unlock(platform_); }
  bool held() override { return store_.LockHeld(platform_); }
  const std::string& platform() const override { return platform_; }

 private:
  PostgresStore& store_;
  std::string platform_;
};

}  // namespace

StatusOr<std::unique_ptr<StoreLock>> PostgresStore::Lock(const std::string& platform,
                                                         const LockOptions& options) {
  if (access_ == StoreAccess::kReadOnly) {
    return FailedPrecondition(name_ + " is open read-only: only apply and run take its locks");
  }
  const std::string what = "lock platform " + platform;
  // Polls: tries until `timeout` worth of poll intervals has passed (time enters the
  // store as data; no clock is read here).
  int64_t polls_left = options.timeout.count() / kPollInterval.count();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = held_.find(platform);
      if (it != held_.end()) {
        ++it->second;
        return std::unique_ptr<StoreLock>(std::make_unique<PostgresStoreLock>(*this, platform));
      }
      if (Status s = EnsureSession(what); !s.ok()) return s;
      try {
        if (TryLock(platform, options)) {
          held_[platform] = 1;
          fenced_.insert(platform);
          return std::unique_ptr<StoreLock>(
              std::make_unique<PostgresStoreLock>(*this, platform));
        }
        if (polls_left-- <= 0) {
          std::string waited;
          if (options.timeout.count() > 0) {
            waited = " (waited " + std::to_string(options.timeout.count()) + " ms)";
          }
          return Unavailable(name_ + ": platform " + platform + " is locked by " +
                             Holder(platform) + waited +
                             "; another idsync apply or run is using it; use --lock-timeout "
                             "to wait");
        }
      } catch (const PgError& e) {
        return PostgresError(name_, what, e);
      }
    }
    std::this_thread::sleep_for(kPollInterval);  // without the mutex: others may proceed
  }
}

bool PostgresStore::TryLock(const std::string& platform, const LockOptions& options) {
  // Who holds a lock is told by pg_stat_activity.application_name (63 bytes at most).
  conn_->Exec("SELECT set_config('application_name', $1, false)",
              {"idsync:" + options.identity});
  PgResult r = conn_->Exec("SELECT pg_try_advisory_lock($1::bigint)",
                           {std::to_string(PlatformLockKey(platform))});
  return r.boolean(0, 0);
}

std::string PostgresStore::Holder(const std::string& platform) {
  const auto ids = PgLockIds(PlatformLockKey(platform));
  PgResult r = conn_->Exec(
      "SELECT COALESCE(a.application_name, ''), l.pid, "
      "COALESCE(host(a.client_addr), 'a local socket'), "
      "COALESCE(to_char(a.backend_start AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
      "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid "
      "AND l.objid = $2::oid AND l.objsubid = 1 "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "LIMIT 1",
      {ids.first, ids.second});
  if (r.rows() == 0) return "another session (which has just let go)";
  std::string identity = r.text(0, 0);
  if (identity.rfind("idsync:", 0) == 0) identity = identity.substr(7);
  if (identity.empty()) identity = "another session";
  std::string out = identity + " (PostgreSQL backend pid " + r.text(0, 1) + ", client " +
                    r.text(0, 2) + ")";
  if (!r.text(0, 3).empty()) out += " connected since " + r.text(0, 3);
  return out;
}

bool PostgresStore::LockHeld(const std::string& platform) {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.count(platform) == 0 || !conn_->ok()) return false;
  try {
    return OwnsLock(platform);
  } catch (const PgError&) {
    return false;
  }
}

bool PostgresStore::OwnsLock(const std::string& platform) {
  const auto ids = PgLockIds(PlatformLockKey(platform));
  return conn_->Exec(kOwnLockExists, {ids.first, ids.second}).boolean(0, 0);
}

void PostgresStore::Unlock(const std::string& platform) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(platform);
  if (it == held_.end() || --it->second > 0) return;
  held_.erase(it);
  if (!conn_->ok()) return;  // the server released it with the session
  try {
    conn_->Exec("SELECT pg_advisory_unlock($1::bigint)",
                {std::to_string(PlatformLockKey(platform))});
  } catch (const PgError&) {
    // Lost session: the server has released the lock already.
  }
}

StatusOr<int64_t> PostgresStore::Prune(int64_t cutoff_unix) {
  return Locked("prune", [&]() -> StatusOr<int64_t> {
    PgTransaction tx(*conn_);
    const std::string cutoff = std::to_string(cutoff_unix);
    int64_t deleted =
        conn_->Exec("DELETE FROM journal WHERE updated_at < $1 AND status <> 'pending' "
                    "AND id NOT IN (SELECT MAX(id) FROM journal GROUP BY platform, email)",
                    {cutoff})
            .affected();
    deleted +=
        conn_->Exec("DELETE FROM runs "
                    "WHERE (CASE WHEN finished_at > 0 THEN finished_at ELSE started_at END) "
                    "< $1 "
                    "AND id NOT IN (SELECT run_id FROM journal WHERE run_id IS NOT NULL) "
                    "AND id NOT IN (SELECT run_id FROM platform_status "
                    "WHERE run_id IS NOT NULL)",
                    {cutoff})
            .affected();
    tx.Commit();
    return deleted;
  });
}

}  // namespace idsync
