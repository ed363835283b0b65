// The backend the shared store conformance suite runs against. The same test sources
// are built twice: state_test (SQLite, a file in a temp dir) and state_postgres_test
// (IDSYNC_TEST_POSTGRES: a fresh database per location on the binary's throwaway
// PostgreSQL cluster, tests/support/postgres.h).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "state/store.h"
#include "tests/support/temp_dir.h"

#ifdef IDSYNC_TEST_POSTGRES
#include "tests/support/postgres.h"
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

// A bare invitation of `email` on `platform`, for journal rows (nothing else set).
inline Action Invite(const std::string& platform, const std::string& email) {
  Action a;
  a.platform = platform;
  a.email = email;
  a.verb = Verb::kInvite;
  return a;
}

// Opens the store at `location` (read-write) or fails the test with the reason.
inline std::unique_ptr<Store> MustOpen(const std::string& location) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(location);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

}  // namespace idsync::testing
