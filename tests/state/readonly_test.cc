// Read-only stores (plan, status, history, export): they read what a writer wrote,
// refuse every write and every lock, and never create a state.
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
#include <string>

#include <doctest/doctest.h>

#include "state/store.h"
#include "tests/state/backend.h"

namespace idsync {
namespace {

using testing::NewStateLocation;
using testing::TempDir;

std::unique_ptr<Store> MustOpen(const std::string& location, StoreAccess access) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(location, access);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

TEST_CASE("a read-only store reads what a writer wrote and refuses to write or lock") {
  TempDir dir;
  const std::string location = NewStateLocation(dir);
  auto writer = MustOpen(location, StoreAccess::kReadWrite);
  StatusOr<int64_t> run = writer->BeginRun("apply", "sha256:1", "", 10);
  REQUIRE(run.ok());
  REQUIRE(writer->PutUserId("astro", "alice@acme.io", "u1").ok());
  ManagedAccount a;
  a.platform = "astro";
  a.email = "alice@acme.io";
  REQUIRE(writer->PutManaged(a).ok());

  auto reader = MustOpen(location, StoreAccess::kReadOnly);
  StatusOr<std::vector<RunRecord>> runs = reader->Runs(0);
  REQUIRE_MESSAGE(runs.ok(), runs.status().ToString());
  REQUIRE(runs->size() == 1);
  CHECK(runs->front().id == *run);
  StatusOr<ManagedAccounts> managed = reader->Managed("astro");
  REQUIRE(managed.ok());
  CHECK(managed->count("alice@acme.io") == 1);

  CHECK_FALSE(reader->BeginRun("plan", "d", "", 11).ok());
  CHECK_FALSE(reader->PutUserId("astro", "bob@acme.io", "u2").ok());
  CHECK_FALSE(reader->Prune(1000).ok());
  StatusOr<std::unique_ptr<StoreLock>> lock = reader->Lock("astro", {"reader", {}});
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.status().code() == StatusCode::kFailedPrecondition);
  StatusOr<std::vector<RunRecord>> after = writer->Runs(0);
  REQUIRE(after.ok());
  CHECK(after->size() == 1);  // nothing was written
}

TEST_CASE("a read-only store of a state never written reads as empty") {
  TempDir dir;
  std::string location = NewStateLocation(dir);
  auto reader = MustOpen(location, StoreAccess::kReadOnly);
  StatusOr<std::vector<JournalEntry>> history = reader->History({});
  REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  CHECK(history->empty());
  StatusOr<std::vector<PlatformStatus>> statuses = reader->PlatformStatuses();
  REQUIRE(statuses.ok());
  CHECK(statuses->empty());
  CHECK_FALSE(reader->BeginRun("plan", "d", "", 1).ok());
}

}  // namespace
}  // namespace idsync
