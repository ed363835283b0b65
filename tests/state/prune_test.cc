// Retention: Prune deletes old runs and journal rows but never what still matters.
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
#include <algorithm>
#include <string>

#include <doctest/doctest.h>

#include "state/store.h"
#include "tests/state/backend.h"

namespace idsync {
namespace {

using testing::NewStateLocation;
using testing::TempDir;

using testing::Invite;

TEST_CASE("prune keeps pending rows, the newest row per user, and the runs they use") {
  TempDir dir;
  StatusOr<std::unique_ptr<Store>> opened = Store::Open(NewStateLocation(dir));
  REQUIRE(opened.ok());
  Store& store = **opened;
  auto begin_run = [&](int64_t at) {
    StatusOr<int64_t> r = store.BeginRun("apply", "d", "", at);
    REQUIRE(r.ok());
    REQUIRE(store.FinishRun(*r, "ok", at + 1).ok());
    return *r;
  };
  auto journal = [&](int64_t run, const std::string& email, int64_t at, bool finish) {
    StatusOr<int64_t> id = store.JournalBegin(run, Invite("astro", email), at);
    REQUIRE(id.ok());
    if (finish) REQUIRE(store.JournalFinish(*id, JournalStatus::kSucceeded, "", 1, at).ok());
    return *id;
  };
  const int64_t old_run = begin_run(100);      // only old rows: goes
  const int64_t status_run = begin_run(110);   // a platform status refers to it: stays
  const int64_t pending_run = begin_run(120);  // its pending row stays, so it stays
  const int64_t new_run = begin_run(1000);
  const int64_t alice_old = journal(old_run, "alice@acme.io", 100, true);
  const int64_t bob_only = journal(old_run, "bob@acme.io", 101, true);  // newest for bob
  const int64_t carol_pending = journal(pending_run, "carol@acme.io", 120, false);
  const int64_t alice_new = journal(new_run, "alice@acme.io", 1000, true);
  PlatformStatus ps;
  ps.platform = "astro";
  ps.run_id = status_run;
  ps.at = 110;
  ps.result = "ok";
  REQUIRE(store.PutPlatformStatus(ps).ok());
  StatusOr<int64_t> deleted = store.Prune(500);
  REQUIRE_MESSAGE(deleted.ok(), deleted.status().ToString());
  CHECK(*deleted == 1);  // alice_old only; old_run is still used by bob's newest row

  StatusOr<std::vector<JournalEntry>> rows = store.History({std::nullopt, std::nullopt, 0});
  REQUIRE(rows.ok());
  std::vector<int64_t> ids;
  for (const JournalEntry& e : *rows) ids.push_back(e.id);
  CHECK(ids == std::vector<int64_t>{alice_new, carol_pending, bob_only});
  CHECK(std::find(ids.begin(), ids.end(), alice_old) == ids.end());

  // Once bob has a newer row, his old one and old_run go too.
  journal(new_run, "bob@acme.io", 1001, true);
  deleted = store.Prune(500);
  REQUIRE(deleted.ok());
  CHECK(*deleted == 2);
  StatusOr<std::vector<RunRecord>> runs = store.Runs(0);
  REQUIRE(runs.ok());
  std::vector<int64_t> run_ids;
  for (const RunRecord& r : *runs) run_ids.push_back(r.id);
  CHECK(run_ids == std::vector<int64_t>{new_run, pending_run, status_run});
}

}  // namespace
}  // namespace idsync
