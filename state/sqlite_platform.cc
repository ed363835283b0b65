// SqliteStore: per-platform rows (last reconcile status, snapshot, user id cache).
#include <string_view>
#include <utility>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <SQLiteCpp/VariadicBind.h>

#include "state/codec.h"
#include "state/sqlite_store.h"

namespace idsync {
namespace {

// The first column of the statement's first row; nullopt when it returns no row.
std::optional<std::string> FirstText(SQLite::Statement& st) {
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getString();
}

}  // namespace

Status SqliteStore::PutPlatformStatus(const PlatformStatus& s) {
  return Locked("store status of " + s.platform, [&]() -> Status {
    SQLite::Statement st(db_,
                         "INSERT OR REPLACE INTO platform_status (platform, run_id, at, result, "
                         "actions_succeeded, actions_failed, actions_deferred, actions_held, "
                         "managed, unmanaged, drift, error) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, s.platform);
    BindRunId(st, 2, s.run_id);
    st.bind(3, s.at);
    st.bind(4, s.result);
    st.bind(5, s.actions_succeeded);
    st.bind(6, s.actions_failed);
    st.bind(7, s.actions_deferred);
    st.bind(8, s.actions_held);
    st.bind(9, s.managed);
    st.bind(10, s.unmanaged);
    st.bind(11, s.drift);
    st.bind(12, s.error);
    st.exec();
    return OkStatus();
  });
}

StatusOr<std::vector<PlatformStatus>> SqliteStore::PlatformStatuses() {
  return Locked("platform statuses", [&]() -> StatusOr<std::vector<PlatformStatus>> {
    SQLite::Statement st(db_,
                         "SELECT platform, run_id, at, result, actions_succeeded, "
                         "actions_failed, actions_deferred, actions_held, managed, unmanaged, "
                         "drift, error FROM platform_status ORDER BY platform");
    std::vector<PlatformStatus> out;
    while (st.executeStep()) {
      PlatformStatus s;
      s.platform = st.getColumn(0).getString();
      s.run_id = st.getColumn(1).getInt64();
      s.at = st.getColumn(2).getInt64();
      s.result = st.getColumn(3).getString();
      s.actions_succeeded = st.getColumn(4).getInt64();
      s.actions_failed = st.getColumn(5).getInt64();
      s.actions_deferred = st.getColumn(6).getInt64();
      s.actions_held = st.getColumn(7).getInt64();
      s.managed = st.getColumn(8).getInt64();
      s.unmanaged = st.getColumn(9).getInt64();
      s.drift = st.getColumn(10).getInt64();
      s.error = st.getColumn(11).getString();
      out.push_back(std::move(s));
    }
    return out;
  });
}

Status SqliteStore::PutSnapshot(const std::string& platform, const std::string& listing,
                                const std::string& digest, int64_t now) {
  return Locked("store snapshot of " + platform, [&]() -> Status {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement time(db_,
                           "INSERT OR REPLACE INTO snapshots (platform, taken_at, digest) "
                           "VALUES (?, ?, ?)");
    SQLite::bind(time, platform, now, digest);
    time.exec();
    SQLite::Statement text(db_,
                           "INSERT OR REPLACE INTO snapshot_listings (platform, json) VALUES (?, ?)");
    text.bind(1, platform);
    text.bindNoCopy(2, listing);  // the whole listing: not copied once more before the pages
    text.exec();
    tx.commit();
    return OkStatus();
  });
}

StatusOr<bool> SqliteStore::TouchSnapshot(const std::string& platform, const std::string& digest,
                                          int64_t now) {
  return Locked("store snapshot time of " + platform, [&]() -> StatusOr<bool> {
    SQLite::Statement st(db_,
                         "UPDATE snapshots SET taken_at = ? "
                         "WHERE platform = ? AND digest = ? AND digest <> ''");
    SQLite::bind(st, now, platform, digest);
    return st.exec() > 0;
  });
}

StatusOr<std::optional<std::string>> SqliteStore::Snapshot(const std::string& platform) {
  return Locked("snapshot of " + platform, [&]() -> StatusOr<std::optional<std::string>> {
    SQLite::Statement st(db_, kSelectSnapshot);
    SQLite::bind(st, platform);
    if (!st.executeStep()) return std::optional<std::string>();
    const SQLite::Column json = st.getColumn(1);
    return std::optional<std::string>(SnapshotWithTime(
        st.getColumn(0).getInt64(),
        std::string_view(json.getText(), static_cast<std::size_t>(json.getBytes()))));
  });
}

StatusOr<std::optional<std::string>> SqliteStore::CachedUserId(const std::string& platform,
                                                               const std::string& email) {
  return Locked("cached user id of " + platform + "/" + email,
                [&]() -> StatusOr<std::optional<std::string>> {
                  SQLite::Statement st(
                      db_, "SELECT user_id FROM user_ids WHERE platform = ? AND email = ?");
                  SQLite::bind(st, platform, email);
                  return FirstText(st);
                });
}

Status SqliteStore::PutUserId(const std::string& platform, const std::string& email,
                              const std::string& user_id) {
  return Locked("cache user id of " + platform + "/" + email, [&]() -> Status {
    SQLite::Statement st(
        db_, "INSERT OR REPLACE INTO user_ids (platform, email, user_id) VALUES (?, ?, ?)");
    SQLite::bind(st, platform, email, user_id);
    st.exec();
    return OkStatus();
  });
}

}  // namespace idsync
