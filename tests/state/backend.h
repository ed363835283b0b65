// The backend the shared store conformance suite runs against. The same test sources
// are built twice: state_test (SQLite, a file in a temp dir) and state_postgres_test
// (IDSYNC_TEST_POSTGRES: a fresh database per location on the binary's throwaway
// PostgreSQL cluster, tests/support/postgres.h).
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "state/store.h"
#include "tests/support/temp_dir.h"

#ifdef IDSYNC_TEST_POSTGRES
#include "tests/support/postgres.h"
#else
#include <SQLiteCpp/Database.h>
#endif

namespace idsync::testing {

#ifdef IDSYNC_TEST_POSTGRES
inline constexpr bool kPostgres = true;
#else
inline constexpr bool kPostgres = false;
#endif

// A new, empty state location: a path in `dir`, or a new database's URI.
inline std::string NewStateLocation(const TempDir& dir) {
#ifdef IDSYNC_TEST_POSTGRES
  (void)dir;
  return PostgresCluster::Shared().NewDatabase();
#else
  return dir.File("state.db");
#endif
}

// Runs `sql` (plain SQL both backends understand) on the state at `location` behind
// its stores' backs, to plant rows idsync would never write. Throws on failure.
inline void ExecRaw(const std::string& location, const std::string& sql) {
#ifdef IDSYNC_TEST_POSTGRES
  PostgresCluster::Shared().Query(location, sql);
#else
  SQLite::Database(location, SQLite::OPEN_READWRITE).exec(sql);
#endif
}

// A bare invitation of `email` on `platform`, for journal rows (nothing else set).
inline Action Invite(const std::string& platform, const std::string& email) {
  Action a;
  a.platform = platform;
  a.email = email;
  a.verb = Verb::kInvite;
  return a;
}

// Opens the store at `location` or fails the test with the reason.
inline std::unique_ptr<Store> MustOpen(const std::string& location,
                                       StoreAccess access = StoreAccess::kReadWrite) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(location, access);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

// An open store with run 1's row begun, and the actions its rows may point to (a
// plan's actions: batch calls take pointers into them, so they live as long as this).
struct StoreFixture {
  TempDir dir;
  std::string location = NewStateLocation(dir);
  std::unique_ptr<Store> store = MustOpen(location);
  int64_t run = MustBeginRun(1);
  std::deque<Action> actions;

  int64_t MustBeginRun(int64_t now) {
    StatusOr<int64_t> r = store->BeginRun("apply", "d", "", now);
    REQUIRE(r.ok());
    return *r;
  }
  // Every journal row of `from` (another handle on the location, say), newest first.
  std::vector<JournalEntry> MustHistory(Store& from, HistoryQuery query = AllRows()) {
    StatusOr<std::vector<JournalEntry>> h = from.History(query);
    REQUIRE_MESSAGE(h.ok(), h.status().ToString());
    return *h;
  }
  static HistoryQuery AllRows() {
    HistoryQuery all;
    all.limit = 0;
    return all;
  }
  std::vector<JournalEntry> MustHistory() { return MustHistory(*store); }
  std::vector<JournalEntry> MustHistory(const HistoryQuery& query) { return MustHistory(*store, query); }
};

}  // namespace idsync::testing
