// Expiry in the planner (SPEC §2 `expires:`), with a fixed `now`: an expired user or
// membership counts as deleted from the manifest, with the reason "expired DATE".
#include <doctest/doctest.h>

#include "reconcile/expiry.h"
#include "reconcile/planner.h"
#include "reconcile/render.h"
#include "tests/reconcile/plan_fixtures.h"

namespace idsync {
namespace {

using namespace idsync::testing;

const std::string kA = "alice@acme.io";
const std::string kB = "bob@acme.io";
constexpr int64_t kJan31 = 1801440000;  // expires: 2027-01-31 (2027-02-01T00:00:00Z)
constexpr int64_t kDay = 86400;

// `d` with one expiry step: from kJan31 on it holds `after` (nullopt: off the platform).
Wanted Expiring(Wanted d, const std::string& what, std::optional<Grants> after,
                     std::vector<std::string> roles_after = {}) {
  ExpiryStep step;
  step.at = kJan31;
  step.text = "2027-01-31";
  step.what = what;
  step.grants = std::move(after);
  step.roles = std::move(roles_after);
  d.expiries.push_back(std::move(step));
  return d;
}

PlatformPolicy WithLimit(PlatformPolicy p, double limit) {
  p.max_removals = RemovalLimit{false, limit};
  return p;
}

struct Row {
  const char* name;
  PlatformPolicy policy;
  std::vector<Wanted> desired;
  std::vector<Listed> live;
  std::vector<ManagedAccount> managed;
  int64_t now;
  std::vector<std::string> expected;  // ToString of each action, in order
  bool blocked = false;
};

std::vector<Row> Rows() {
  const Grants dev = Single("DEVELOPER"), admin = Single("ADMIN");
  const PlatformPolicy ws = Policy(PlatformType::kWorkspace, "ws");
  const PlatformPolicy astra = Policy(PlatformType::kAstra, "astra");
  const PlatformPolicy scim = Policy(PlatformType::kScim, "sc");
  const auto alice_expires = Expiring(Want(kA, dev, {"engineer"}), "user", std::nullopt);
  const auto admin_expires =
      Expiring(Want(kA, admin, {"admin", "engineer"}), "role admin", dev, {"engineer"});
  const auto group_expires =
      Expiring(Want(kA, Set({"r1", "r2"}), {"db", "viewer"}), "group oncall", Set({"r1"}), {"viewer"});
  return {
      {"before the instant an expiring user changes nothing", ws, {alice_expires},
       {Live(kA, dev)}, {Managed(kA, dev)}, kJan31 - 1, {}},
      {"an expired user is offboarded as if deleted, saying when it expired", ws,
       {alice_expires}, {Live(kA, dev)}, {Managed(kA, dev)}, kJan31,
       {"- retire alice@acme.io DEVELOPER (expired 2027-01-31 (user); offboarding: retire)"}},
      {"an expired user is never invited", ws, {alice_expires}, {}, {}, kJan31 + kDay, {}},
      {"an expired role while another role keeps the user is a revoke, not an offboarding", ws,
       {admin_expires}, {Live(kA, admin)}, {Managed(kA, admin)}, kJan31,
       {"~ grant alice@acme.io ADMIN \u2192 DEVELOPER (expired 2027-01-31 (role admin); now role "
        "engineer)"}},
      {"an expired group membership revokes only what the group gave", astra,
       {group_expires}, {Live(kA, Set({"r1", "r2"}))}, {Managed(kA, Set({"r1", "r2"}))}, kJan31,
       {"~ revoke alice@acme.io [r1, r2] \u2192 [r1] (expired 2027-01-31 (group oncall); now role "
        "viewer)"}},
      {"an expired membership the user is already without changes nothing", astra,
       {group_expires}, {Live(kA, Set({"r1"}))}, {Managed(kA, Set({"r1"}))}, kJan31, {}},
      {"an expired user idsync never managed is left alone like any unmanaged account", scim,
       {Expiring(Want(kA, Set({"g"})), "user", std::nullopt)}, {Live(kA, Set({"g"}))}, {},
       kJan31, {}},
      {"the mass-removal guard holds expiries like deletions", WithLimit(ws, 1),
       {alice_expires, Expiring(Want(kB, dev), "user", std::nullopt)},
       {Live(kA, dev), Live(kB, dev)}, {Managed(kA, dev), Managed(kB, dev)}, kJan31,
       {"- retire alice@acme.io DEVELOPER (expired 2027-01-31 (user); offboarding: retire) "
        "(held by the removal guard)",
        "- retire bob@acme.io DEVELOPER (expired 2027-01-31 (user); offboarding: retire) "
        "(held by the removal guard)"},
       true},
      {"with the time unknown (now 0) nothing expires", ws, {alice_expires}, {Live(kA, dev)},
       {Managed(kA, dev)}, 0, {}},
  };
}

TEST_CASE("planner with a fixed now: expired users and memberships count as deleted") {
  for (const Row& row : Rows()) {
    const std::string name = row.name;
    CAPTURE(name);
    const PlatformPlan plan = MakePlan(row.policy, DesiredOf(row.desired), LiveOf(row.live),
                                       ManagedOf(row.managed), PlanOptions{.now = row.now});
    CHECK(Lines(plan) == row.expected);
    CHECK(plan.blocked == row.blocked);
  }
}

TEST_CASE("the plan lists what expires within the horizon, and renders it in each format") {
  const auto desired = DesiredOf({Expiring(Want(kA, Single("ADMIN"), {"admin", "engineer"}),
                                           "role admin", Single("DEVELOPER"), {"engineer"}),
                                  Expiring(Want(kB, Single("DEVELOPER")), "user", std::nullopt)});
  const auto policy = Policy(PlatformType::kWorkspace, "ws");
  auto plan_at = [&](int64_t now, int64_t within) {
    return MakePlan(policy, desired, LiveOf({}), ManagedOf({}),
                    PlanOptions{.now = now, .expiring_within = within});
  };
  CHECK(plan_at(kJan31 - 8 * kDay, 7 * kDay).expiring.empty());
  const PlatformPlan plan = plan_at(kJan31 - 7 * kDay, 7 * kDay);
  REQUIRE(plan.expiring.size() == 2);
  CHECK(plan.expiring[0] == ExpiringEntry{kA, "role admin", "2027-01-31", kJan31, false});
  CHECK(plan.expiring[1].offboards);
  CHECK(plan_at(kJan31, 7 * kDay).expiring.empty());  // already expired: in the actions

  Plan whole{{plan}};
  const std::string text = Render(whole, Format::kText);
  CHECK(text.find("  expiring soon:\n    alice@acme.io: role admin expires 2027-01-31 "
                  "(2027-02-01T00:00:00Z); then revoked\n    bob@acme.io: user expires "
                  "2027-01-31 (2027-02-01T00:00:00Z); then offboarded\n") != std::string::npos);
  CHECK(Render(whole, Format::kMarkdown).find("Expiring soon:\n\n- alice@acme.io: role admin") !=
        std::string::npos);
  const std::string json = Render(whole, Format::kJson);
  CHECK(json.find("\"format_version\": 2") != std::string::npos);
  CHECK(json.find("\"expiring\": [\n        {\n          \"email\": \"alice@acme.io\",\n"
                  "          \"what\": \"role admin\",\n          \"expires\": \"2027-01-31\",\n"
                  "          \"at\": 1801440000,\n          \"offboards\": false\n        },") !=
        std::string::npos);
}

TEST_CASE("the plan names the group path by which the winning role was reached") {
  auto d = Want(kA, Single("ADMIN"), {"admin", "engineer"});
  d.single_from = "admin";
  d.single_via = "eng > admins";
  const auto plan = MakePlan(Policy(PlatformType::kWorkspace, "ws"), DesiredOf({d}), LiveOf({}),
                             ManagedOf({}), PlanOptions{});
  CHECK(Lines(plan) == std::vector<std::string>{
                           "+ invite alice@acme.io ADMIN (roles admin, engineer; ADMIN from role "
                           "admin via group eng > admins)"});
}

}  // namespace
}  // namespace idsync
