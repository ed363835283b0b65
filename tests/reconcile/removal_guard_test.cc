// The mass-removal guard (SPEC §3): limits, the emptied manifest, --allow-removals.
#include <doctest/doctest.h>

#include "reconcile/planner.h"
#include "tests/reconcile/plan_fixtures.h"

namespace idsync {
namespace {

using namespace idsync::testing;

std::string Email(std::size_t i) { return "u" + std::to_string(i) + "@acme.io"; }

// A scim platform where idsync manages `managed` accounts, keeps the first `keep`
// desired (keep > 0 unless the manifest is emptied) and offboards the next `offboard`.
struct Setup {
  std::size_t managed = 10, keep = 1, offboard = 0;
  std::optional<RemovalLimit> limit = std::nullopt;
  std::optional<int> allow = std::nullopt;
};

PlatformPlan Run(const Setup& s) {
  auto policy = Policy(PlatformType::kScim, "sc");
  policy.max_removals = s.limit;
  std::vector<Wanted> desired;
  std::vector<Listed> live;
  std::vector<ManagedAccount> managed;
  for (std::size_t i = 0; i < s.managed; ++i) {
    const Grants g = Set({"g"});
    managed.push_back(Managed(Email(i), g));
    const bool offboarded = i >= s.keep && i < s.keep + s.offboard;
    if (i < s.keep || offboarded) live.push_back(Live(Email(i), g));
    if (i < s.keep) desired.push_back(Want(Email(i), g));
  }
  return MakePlan(policy, DesiredOf(desired), LiveOf(live), ManagedOf(managed),
                  PlanOptions{.allow_removals = s.allow});
}

RemovalLimit Count(double n) { return RemovalLimit{.percent = false, .value = n}; }
RemovalLimit Percent(double n) { return RemovalLimit{.percent = true, .value = n}; }

TEST_CASE("mass-removal guard: removals over the limit are all held") {
  struct Row {
    const char* name;
    Setup setup;
    bool blocked;
    const char* reason;
  };
  const Row rows[] = {
      {"removals up to max_removals apply", {.managed = 10, .offboard = 3, .limit = Count(3)},
       false, ""},
      {"one removal over max_removals holds all of them",
       {.managed = 10, .offboard = 4, .limit = Count(3)}, true,
       "4 retire/remove actions > max_removals 3"},
      {"max_removals 0 holds the first removal", {.managed = 10, .offboard = 1, .limit = Count(0)},
       true, "1 retire/remove actions > max_removals 0"},
      {"a percentage is of the managed accounts, rounded down",
       {.managed = 10, .offboard = 3, .limit = Percent(25)}, true,
       "3 retire/remove actions > max_removals 25% of 10 managed = 2"},
      {"10% of 50 managed allows exactly 5",
       {.managed = 50, .offboard = 5, .limit = Percent(10)}, false, ""},
      {"the default allows 5 on a small platform", {.managed = 10, .offboard = 5}, false, ""},
      {"the default holds a sixth removal on a small platform", {.managed = 10, .offboard = 6},
       true,
       "6 retire/remove actions > max_removals 5 (default: 5 or 10% of 10 managed, whichever "
       "is larger)"},
      {"the default allows 10% on a large platform", {.managed = 80, .offboard = 8}, false, ""},
      {"the default holds past 10% on a large platform", {.managed = 80, .offboard = 9}, true,
       "9 retire/remove actions > max_removals 8 (default: 5 or 10% of 80 managed, whichever "
       "is larger)"},
      {"emptied manifest holds every removal whatever max_removals says",
       {.managed = 2, .keep = 0, .offboard = 2, .limit = Count(100)}, true,
       "the manifest lists no users for sc while idsync manages 2: refusing to remove them all"},
      {"allow-removals releases the held set only when it is small enough",
       {.managed = 10, .offboard = 4, .limit = Count(3), .allow = 3}, true,
       "4 retire/remove actions > max_removals 3; --allow-removals 3 is fewer than 4"},
      {"allow-removals releases a held set of at most N",
       {.managed = 10, .offboard = 4, .limit = Count(3), .allow = 4}, false, ""},
      {"allow-removals releases an emptied manifest",
       {.managed = 2, .keep = 0, .offboard = 2, .allow = 2}, false, ""},
  };
  for (const Row& row : rows) {
    const std::string name = row.name;
    CAPTURE(name);
    const PlatformPlan plan = Run(row.setup);
    REQUIRE(plan.actions.size() == row.setup.offboard);
    CHECK(plan.blocked == row.blocked);
    CHECK(plan.blocked_reason == row.reason);
    CHECK(plan.held() == (row.blocked ? row.setup.offboard : 0));
    CHECK(plan.changes() == (row.blocked ? 0 : row.setup.offboard));
    for (const auto& a : plan.actions)
      CHECK(a.disposition == (row.blocked ? Disposition::kHeld : Disposition::kApply));
  }
}

TEST_CASE("an emptied manifest with nothing left to remove is not blocked") {
  const auto plan = Run({.managed = 3, .keep = 0, .offboard = 0});
  CHECK(plan.actions.empty());
  CHECK_FALSE(plan.blocked);
}

TEST_CASE("other actions still apply while removals are held") {
  auto policy = Policy(PlatformType::kAstra, "astra");
  policy.max_removals = Count(1);
  const auto plan = MakePlan(
      policy, DesiredOf({Want("new@x.io", Set({"r"})), Suspended("sus@x.io")}),
      LiveOf({Live("sus@x.io", Set({"r"})), Live("old@x.io", Set({"r"}))}),
      ManagedOf({Managed("sus@x.io", Set({"r"})), Managed("old@x.io", Set({"r"}))}), {});
  REQUIRE(plan.actions.size() == 3);
  CHECK(plan.actions[0].verb == Verb::kInvite);
  CHECK(plan.actions[0].disposition == Disposition::kApply);
  CHECK(plan.actions[1].disposition == Disposition::kHeld);  // suspended counts too
  CHECK(plan.actions[2].disposition == Disposition::kHeld);
  CHECK(plan.blocked);
  CHECK(plan.changes() == 1);
  CHECK(plan.held() == 2);
}

TEST_CASE("deferred removals do not count toward the guard") {
  auto policy = Policy(PlatformType::kWorkspace, "ws");
  policy.max_removals = Count(1);
  const auto plan = MakePlan(
      policy, DesiredOf({Want("keep@x.io", Single("DEVELOPER"))}),
      LiveOf({Live("keep@x.io", Single("DEVELOPER")), Live("a@x.io", Single("DEVELOPER")),
              Live("b@x.io", Single("DEVELOPER"), LiveStatus::kPending)}),
      ManagedOf({Managed("keep@x.io", Single("DEVELOPER")), Managed("a@x.io", Single("DEVELOPER")),
                 Managed("b@x.io", Single("DEVELOPER"))}),
      {});
  REQUIRE(plan.actions.size() == 2);
  CHECK_FALSE(plan.blocked);
  CHECK(plan.actions[0].disposition == Disposition::kApply);
  CHECK(plan.actions[1].disposition == Disposition::kDeferred);
}

TEST_CASE("unmanaged removals count toward the guard") {
  auto policy = Policy(PlatformType::kHouston, "astro");
  policy.unmanaged = UnmanagedPolicy::kRemove;
  policy.max_removals = Count(1);
  const Grants g = Scoped({{"ckws1", "WORKSPACE_VIEWER"}});
  const auto plan = MakePlan(policy, DesiredOf({Want("keep@x.io", g)}),
                             LiveOf({Live("keep@x.io", g), Live("a@x.io", g), Live("b@x.io", g)}),
                             ManagedOf({Managed("keep@x.io", g)}), {});
  CHECK(plan.blocked);
  CHECK(plan.held() == 2);
}

TEST_CASE("RemovalLimitFor: a count, a percentage rounded down, or max(5, 10%)") {
  CHECK(RemovalLimitFor(Count(7), 1000) == 7);
  CHECK(RemovalLimitFor(Percent(10), 50) == 5);
  CHECK(RemovalLimitFor(Percent(10), 59) == 5);
  CHECK(RemovalLimitFor(Percent(100), 3) == 3);
  CHECK(RemovalLimitFor(Percent(0), 30) == 0);
  CHECK(RemovalLimitFor(std::nullopt, 0) == 5);
  CHECK(RemovalLimitFor(std::nullopt, 49) == 5);
  CHECK(RemovalLimitFor(std::nullopt, 70) == 7);
}

}  // namespace
}  // namespace idsync
