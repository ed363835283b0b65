// PostgresStore: per-platform rows (last reconcile status, snapshot, user id cache).
#include <utility>

#include "state/codec.h"
#include "state/postgres_store.h"

namespace idsync {
namespace {

std::string Int(int64_t v) { return std::to_string(v); }

}  // namespace

Status PostgresStore::PutPlatformStatus(const PlatformStatus& s) {
  return Locked("store status of " + s.platform, [&]() -> Status {
    conn_->Exec(
        "INSERT INTO platform_status (platform, run_id, at, result, actions_succeeded, "
        "actions_failed, actions_deferred, actions_held, managed, unmanaged, drift, error) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
        "ON CONFLICT (platform) DO UPDATE SET run_id = EXCLUDED.run_id, at = EXCLUDED.at, "
        "result = EXCLUDED.result, actions_succeeded = EXCLUDED.actions_succeeded, "
        "actions_failed = EXCLUDED.actions_failed, "
        "actions_deferred = EXCLUDED.actions_deferred, actions_held = EXCLUDED.actions_held, "
        "managed = EXCLUDED.managed, unmanaged = EXCLUDED.unmanaged, "
        "drift = EXCLUDED.drift, error = EXCLUDED.error",
        {s.platform, s.run_id == 0 ? PgParam() : PgParam(Int(s.run_id)), Int(s.at), s.result,
         Int(s.actions_succeeded), Int(s.actions_failed), Int(s.actions_deferred),
         Int(s.actions_held), Int(s.managed), Int(s.unmanaged), Int(s.drift), s.error});
    return OkStatus();
  });
}

StatusOr<std::vector<PlatformStatus>> PostgresStore::PlatformStatuses() {
  return Locked("platform statuses", [&]() -> StatusOr<std::vector<PlatformStatus>> {
    PgResult r = conn_->Exec(
        "SELECT platform, run_id, at, result, actions_succeeded, actions_failed, "
        "actions_deferred, actions_held, managed, unmanaged, drift, error "
        "FROM platform_status ORDER BY platform");
    std::vector<PlatformStatus> out;
    for (int i = 0; i < r.rows(); ++i) {
      PlatformStatus s;
      s.platform = r.text(i, 0);
      s.run_id = r.int64(i, 1);
      s.at = r.int64(i, 2);
      s.result = r.text(i, 3);
      s.actions_succeeded = r.int64(i, 4);
      s.actions_failed = r.int64(i, 5);
      s.actions_deferred = r.int64(i, 6);
      s.actions_held = r.int64(i, 7);
      s.managed = r.int64(i, 8);
      s.unmanaged = r.int64(i, 9);
      s.drift = r.int64(i, 10);
      s.error = r.text(i, 11);
      out.push_back(std::move(s));
    }
    return out;
  });
}

Status PostgresStore::PutSnapshot(const std::string& platform, const std::string& listing,
                                  const std::string& digest, int64_t now) {
  return Locked("store snapshot of " + platform, [&]() -> Status {
    PgTransaction tx(*conn_);
    conn_->Exec(
        "INSERT INTO snapshots (platform, taken_at, digest) VALUES ($1, $2, $3) "
        "ON CONFLICT (platform) DO UPDATE SET taken_at = EXCLUDED.taken_at, digest = EXCLUDED.digest",
        {platform, Int(now), digest});
    conn_->ExecBorrowed(
        "INSERT INTO snapshot_listings (platform, json) VALUES ($1, $2) "
        "ON CONFLICT (platform) DO UPDATE SET json = EXCLUDED.json",
        {&platform, &listing});
    tx.Commit();
    return OkStatus();
  });
}

StatusOr<bool> PostgresStore::TouchSnapshot(const std::string& platform, const std::string& digest,
                                            int64_t now) {
  return Locked("store snapshot time of " + platform, [&]() -> StatusOr<bool> {
    PgResult r = conn_->Exec(
        "UPDATE snapshots SET taken_at = $1 WHERE platform = $2 AND digest = $3 AND digest <> ''",
        {Int(now), platform, digest});
    return r.affected() > 0;
  });
}

StatusOr<std::optional<std::string>> PostgresStore::Snapshot(const std::string& platform) {
  return Locked("snapshot of " + platform, [&]() -> StatusOr<std::optional<std::string>> {
    PgResult r = conn_->Exec(kSelectSnapshot, {platform});
    if (r.rows() == 0) return std::optional<std::string>();
    return std::optional<std::string>(SnapshotWithTime(r.int64(0, 0), r.view(0, 1)));
  });
}

StatusOr<std::optional<std::string>> PostgresStore::CachedUserId(const std::string& platform,
                                                                 const std::string& email) {
  return Locked("cached user id of " + platform + "/" + email,
                [&]() -> StatusOr<std::optional<std::string>> {
                  PgResult r = conn_->Exec(
                      "SELECT user_id FROM user_ids WHERE platform = $1 AND email = $2",
                      {platform, email});
                  if (r.rows() == 0) return std::optional<std::string>();
                  return std::optional<std::string>(r.text(0, 0));
                });
}

Status PostgresStore::PutUserId(const std::string& platform, const std::string& email,
                                const std::string& user_id) {
  return Locked("cache user id of " + platform + "/" + email, [&]() -> Status {
    conn_->Exec(
        "INSERT INTO user_ids (platform, email, user_id) VALUES ($1, $2, $3) "
        "ON CONFLICT (platform, email) DO UPDATE SET user_id = EXCLUDED.user_id",
        {platform, email, user_id});
    return OkStatus();
  });
}

}  // namespace idsync
