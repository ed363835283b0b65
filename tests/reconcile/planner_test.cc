// The planner, one row per line of SPEC §3's action table and per capability rule of
// platforms/README.md, across the platform types whose capabilities differ.
#include "reconcile/planner.h"

#include <doctest/doctest.h>

#include "tests/reconcile/plan_fixtures.h"

namespace idsync {
namespace {

using namespace idsync::testing;

constexpr auto kPending = LiveStatus::kPending;
constexpr auto kExpired = LiveStatus::kExpired;
constexpr auto kRetired = LiveStatus::kRetired;

PlatformPolicy Ws() { return Policy(PlatformType::kWorkspace, "ws"); }
PlatformPolicy Houston() { return Policy(PlatformType::kHouston, "astro"); }
PlatformPolicy Astra() { return Policy(PlatformType::kAstra, "astra"); }
PlatformPolicy Org() { return Policy(PlatformType::kOrgadmin, "org"); }
PlatformPolicy Scim() { return Policy(PlatformType::kScim, "sc"); }
PlatformPolicy WithOffboarding(PlatformPolicy p, Offboarding o) {
  p.offboarding = o;
  return p;
}
PlatformPolicy WithUnmanaged(PlatformPolicy p, UnmanagedPolicy u) {
  p.unmanaged = u;
  return p;
}

struct Row {
  const char* name;
  PlatformPolicy policy;
  std::vector<Wanted> desired;
  std::vector<Listed> live;
  std::vector<ManagedAccount> managed;
  std::vector<std::string> expected;  // ToString of each action, in order
  std::vector<std::string> unmanaged = {};
};

const std::string kA = "alice@acme.io";
const std::string kB = "bob@acme.io";

std::vector<Row> Rows() {
  const Grants dev = Single("DEVELOPER"), analyst = Single("ANALYST");
  const Grants editor = Scoped({{"ckws1", "WORKSPACE_EDITOR"}});
  return {
      // invite
      {"desired user absent from the platform is invited with the desired grants", Ws(),
       {Want(kA, dev, {"engineer"})}, {}, {},
       {"+ invite alice@acme.io DEVELOPER (role engineer)"}},
      {"the plan says which role won a single-valued grant", Ws(),
       {[&] {
         auto d = Want(kA, Single("ADMIN"), {"admin", "engineer"});
         d.single_from = "admin";
         return d;
       }()},
       {}, {},
       {"+ invite alice@acme.io ADMIN (roles admin, engineer; ADMIN from role admin)"}},
      {"managed account gone from the platform is invited again and flagged as drift", Scim(),
       {Want(kA, Set({"g1"}))}, {}, {Managed(kA, Set({"g1"}))},
       {"+ invite alice@acme.io [g1] (gone from sc though idsync manages it (drift): invited "
        "again) [drift]"}},
      {"workspace user idsync disabled and desired again is invited again", Ws(),
       {Want(kA, dev)}, {}, {Managed(kA, dev, /*retired=*/true)},
       {"+ invite alice@acme.io DEVELOPER (disabled; invited again)"}},
      {"a retired account on a platform that cannot reactivate is invited again", Ws(),
       {Want(kA, dev)}, {Live(kA, dev, kRetired)}, {Managed(kA, dev, true)},
       {"+ invite alice@acme.io DEVELOPER (disabled; invited again)"}},
      // reinvite
      {"expired invitation is sent again once", Ws(), {Want(kA, dev)},
       {Live(kA, analyst, kExpired)}, {Managed(kA, dev)},
       {"+ reinvite alice@acme.io ANALYST → DEVELOPER (invitation expired; invited again)"}},
      {"pending invitation with the desired grants needs nothing", Astra(),
       {Want(kA, Set({"r1"}))}, {Live(kA, Set({"r1"}), kPending)}, {Managed(kA, Set({"r1"}))},
       {}},
      // adopt
      {"desired account present but not managed is adopted", Ws(), {Want(kA, dev)},
       {Live(kA, dev)}, {},
       {"= adopt alice@acme.io DEVELOPER (already on ws; not yet managed by idsync)"}},
      {"adopted account with other grants is adopted and then converged", Ws(),
       {Want(kA, dev, {"engineer"})}, {Live(kA, analyst)}, {},
       {"= adopt alice@acme.io ANALYST (already on ws; not yet managed by idsync)",
        "~ grant alice@acme.io ANALYST → DEVELOPER (role engineer)"}},
      {"an unmanaged account that is desired is adopted, never reported",
       WithUnmanaged(Scim(), UnmanagedPolicy::kReport), {Want(kA, Set({"g1"}))},
       {Live(kA, Set({"g1"}))}, {},
       {"= adopt alice@acme.io [g1] (already on sc; not yet managed by idsync)"}},
      // grant / revoke
      {"adding a houston workspace binding is a grant", Houston(),
       {Want(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}, {"ckws2", "WORKSPACE_VIEWER"}}),
             {"data-engineer"})},
       {Live(kA, editor)}, {Managed(kA, editor)},
       {"~ grant alice@acme.io ckws1=WORKSPACE_EDITOR → ckws1=WORKSPACE_EDITOR "
        "ckws2=WORKSPACE_VIEWER (role data-engineer)"}},
      {"changing a role to a lesser one is a grant, not a revoke", Houston(),
       {Want(kA, Scoped({{"ckws1", "WORKSPACE_VIEWER"}}), {"viewer"})}, {Live(kA, editor)},
       {Managed(kA, editor)},
       {"~ grant alice@acme.io ckws1=WORKSPACE_EDITOR → ckws1=WORKSPACE_VIEWER (role viewer)"}},
      {"dropping only an astra role is a revoke", Astra(), {Want(kA, Set({"r1"}), {"dba"})},
       {Live(kA, Set({"r1", "r2"}))}, {Managed(kA, Set({"r1", "r2"}))},
       {"~ revoke alice@acme.io [r1, r2] → [r1] (role dba)"}},
      {"dropping a houston system role is a revoke", Houston(), {Want(kA, editor, {"de"})},
       {Live(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}}, "SYSTEM_ADMIN"))},
       {Managed(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}}, "SYSTEM_ADMIN"))},
       {"~ revoke alice@acme.io SYSTEM_ADMIN ckws1=WORKSPACE_EDITOR → ckws1=WORKSPACE_EDITOR "
        "(role de)"}},
      {"grant change on a pending workspace invitation is deferred", Ws(), {Want(kA, dev)},
       {Live(kA, analyst, kPending)}, {Managed(kA, analyst)},
       {"~ grant alice@acme.io ANALYST → DEVELOPER (deferred: pending invitation; applied once "
        "accepted)"}},
      {"grant change on a pending houston invitation is deferred, additions included",
       Houston(),
       {Want(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}, {"ckws2", "WORKSPACE_VIEWER"}}))},
       {Live(kA, editor, kPending)}, {Managed(kA, editor)},
       {"~ grant alice@acme.io ckws1=WORKSPACE_EDITOR → ckws1=WORKSPACE_EDITOR "
        "ckws2=WORKSPACE_VIEWER (deferred: pending invitation; applied once accepted)"}},
      {"grant change on a pending astra invitation applies at once", Astra(),
       {Want(kA, Set({"r2"}), {"viewer"})}, {Live(kA, Set({"r1"}), kPending)},
       {Managed(kA, Set({"r1"}))}, {"~ grant alice@acme.io [r1] → [r2] (role viewer)"}},
      // drift
      {"drift is reverted and flagged", Ws(), {Want(kA, dev)}, {Live(kA, Single("ADMIN"))},
       {Managed(kA, dev)},
       {"~ grant alice@acme.io ADMIN → DEVELOPER (changed outside idsync (drift): reverting) "
        "[drift]"}},
      {"a manifest change is not drift", Ws(), {Want(kA, dev, {"engineer"})},
       {Live(kA, analyst)}, {Managed(kA, analyst)},
       {"~ grant alice@acme.io ANALYST → DEVELOPER (role engineer)"}},
      {"a live change that already matches the manifest needs nothing", Ws(), {Want(kA, dev)},
       {Live(kA, dev)}, {Managed(kA, analyst)}, {}},
      // update
      {"a scim name that differs is updated", Scim(),
       {[&] {
         auto d = Want(kA, Set({"g1"}));
         d.profile.name = "Alice Liddell";
         return d;
       }()},
       {[&] {
         auto u = Live(kA, Set({"g1"}));
         u.name = "Alice L";
         return u;
       }()},
       {Managed(kA, Set({"g1"}))},
       {"~ update alice@acme.io (name differs: Alice L → Alice Liddell)"}},
      {"scim given name and external id that differ are updated, each named", Scim(),
       {[&] {
         auto d = Want(kA, Set({"g1"}));
         d.profile.given_name = "Alice";
         d.profile.family_name = "Liddell";
         d.profile.external_id = "E2";
         return d;
       }()},
       {[&] {
         auto u = Live(kA, Set({"g1"}));
         u.given_name = "Alicia";
         u.family_name = "Liddell";
         u.external_id = "E1";
         return u;
       }()},
       {Managed(kA, Set({"g1"}))},
       {"~ update alice@acme.io (given name differs: Alicia → Alice; external id differs: E1 → E2)"}},
      {"a profile field the platform does not report is not compared", Scim(),
       {[&] {
         auto d = Want(kA, Set({"g1"}));
         d.profile.external_id = "E2";
         return d;
       }()},
       {Live(kA, Set({"g1"}))}, {Managed(kA, Set({"g1"}))}, {}},
      {"a name that differs is left alone where the platform cannot update profiles", Astra(),
       {[&] {
         auto d = Want(kA, Set({"r1"}));
         d.profile.name = "Alice Liddell";
         return d;
       }()},
       {[&] {
         auto u = Live(kA, Set({"r1"}));
         u.name = "Alice L";
         return u;
       }()},
       {Managed(kA, Set({"r1"}))}, {}},
      // reactivate
      {"retired scim user desired again is reactivated", Scim(), {Want(kA, Set({"g1"}))},
       {Live(kA, Set({"g1"}), kRetired)}, {Managed(kA, Set({"g1"}), true)},
       {"~ reactivate alice@acme.io [g1] (retired on sc; desired active)"}},
      {"retired houston user is reactivated holding the desired grants", Houston(),
       {Want(kA, editor)}, {Live(kA, {}, kRetired)}, {Managed(kA, editor, true)},
       {"~ reactivate alice@acme.io ckws1=WORKSPACE_EDITOR (retired on astro; desired active)"}},
      {"an account retired outside idsync is reactivated as drift", Scim(),
       {Want(kA, Set({"g1"}))}, {Live(kA, Set({"g1"}), kRetired)}, {Managed(kA, Set({"g1"}))},
       {"~ reactivate alice@acme.io [g1] (retired outside idsync (drift): reactivating) "
        "[drift]"}},
      {"a retired account not yet managed is adopted and reactivated", Scim(),
       {Want(kA, Set({"g1"}))}, {Live(kA, Set({"g1"}), kRetired)}, {},
       {"= adopt alice@acme.io [g1] (already on sc; not yet managed by idsync)",
        "~ reactivate alice@acme.io [g1] (retired on sc; desired active)"}},
      // suspended
      {"suspended active houston user is retired", Houston(), {Suspended(kA, editor)},
       {Live(kA, editor)}, {Managed(kA, editor)},
       {"- retire alice@acme.io ckws1=WORKSPACE_EDITOR (suspended)"}},
      {"astra suspended user is removed because it cannot retire", Astra(),
       {Suspended(kA, Set({"r1"}))}, {Live(kA, Set({"r1"}))}, {Managed(kA, Set({"r1"}))},
       {"- remove alice@acme.io [r1] (suspended; platform cannot retire)"}},
      {"suspended user absent from the platform is never invited", Ws(), {Suspended(kA, dev)},
       {}, {}, {}},
      {"suspended user already retired needs nothing", Scim(), {Suspended(kA, Set({"g1"}))},
       {Live(kA, Set({"g1"}), kRetired)}, {Managed(kA, Set({"g1"}), true)}, {}},
      {"suspended user whose workspace invitation expired needs nothing", Ws(),
       {Suspended(kA, dev)}, {Live(kA, dev, kExpired)}, {Managed(kA, dev)}, {}},
      {"suspended user with a pending houston invitation has it cancelled", Houston(),
       {Suspended(kA, editor)}, {Live(kA, editor, kPending)}, {Managed(kA, editor)},
       {"- retire alice@acme.io ckws1=WORKSPACE_EDITOR (suspended)"}},
      {"suspended user with a pending workspace invitation is retired once accepted", Ws(),
       {Suspended(kA, dev)}, {Live(kA, dev, kPending)}, {Managed(kA, dev)},
       {"- retire alice@acme.io DEVELOPER (deferred: pending invitation cannot be cancelled; "
        "retired once accepted)"}},
      {"a suspended user on the platform but not yet managed is still retired", Ws(),
       {Suspended(kA, dev)}, {Live(kA, dev)}, {},
       {"- retire alice@acme.io DEVELOPER (suspended)"}},
      // offboarding
      {"managed user no longer desired is retired by default", Ws(), {Want(kA, dev)},
       {Live(kA, dev), Live(kB, analyst)}, {Managed(kA, dev), Managed(kB, analyst)},
       {"- retire bob@acme.io ANALYST (no longer desired on ws; offboarding: retire)"}},
      {"offboarding: remove removes a houston user", WithOffboarding(Houston(), Offboarding::kRemove),
       {Want(kA, editor)}, {Live(kA, editor), Live(kB, editor)},
       {Managed(kA, editor), Managed(kB, editor)},
       {"- remove bob@acme.io ckws1=WORKSPACE_EDITOR (no longer desired on astro; offboarding: "
        "remove)"}},
      {"astra offboards by removing", Astra(), {Want(kA, Set({"r1"}))},
       {Live(kA, Set({"r1"})), Live(kB, Set({"r1"}))},
       {Managed(kA, Set({"r1"})), Managed(kB, Set({"r1"}))},
       {"- remove bob@acme.io [r1] (no longer desired on astra; offboarding: remove)"}},
      {"offboarding a pending workspace invitation is deferred until accepted", Ws(),
       {Want(kA, dev)}, {Live(kA, dev), Live(kB, analyst, kPending)},
       {Managed(kA, dev), Managed(kB, analyst)},
       {"- retire bob@acme.io ANALYST (deferred: pending invitation cannot be cancelled; "
        "retired once accepted)"}},
      {"offboarding a pending houston invitation cancels it", Houston(), {Want(kA, editor)},
       {Live(kA, editor), Live(kB, editor, kPending)}, {Managed(kA, editor), Managed(kB, editor)},
       {"- retire bob@acme.io ckws1=WORKSPACE_EDITOR (no longer desired on astro; offboarding: "
        "retire)"}},
      {"managed user already retired and no longer desired needs nothing", Scim(),
       {Want(kA, Set({"g1"}))}, {Live(kA, Set({"g1"})), Live(kB, Set({"g1"}), kRetired)},
       {Managed(kA, Set({"g1"})), Managed(kB, Set({"g1"}), true)}, {}},
      {"a retired account is still removed when offboarding removes",
       WithOffboarding(Scim(), Offboarding::kRemove), {Want(kA, Set({"g1"}))},
       {Live(kA, Set({"g1"})), Live(kB, Set({"g1"}), kRetired)},
       {Managed(kA, Set({"g1"})), Managed(kB, Set({"g1"}), true)},
       {"- remove bob@acme.io [g1] (no longer desired on sc; offboarding: remove)"}},
      {"managed user already gone from the platform needs nothing", Scim(),
       {Want(kA, Set({"g1"}))}, {Live(kA, Set({"g1"}))},
       {Managed(kA, Set({"g1"})), Managed(kB, Set({"g1"}))}, {}},
      // unmanaged
      {"unmanaged account is left alone by default", Houston(), {Want(kA, editor)},
       {Live(kA, editor), Live(kB, editor)}, {Managed(kA, editor)}, {}},
      {"unmanaged: report lists the account and does nothing to it",
       WithUnmanaged(Ws(), UnmanagedPolicy::kReport), {Want(kA, dev)},
       {Live(kA, dev), Live(kB, analyst)}, {Managed(kA, dev)}, {}, {kB}},
      {"unmanaged: remove removes the account", WithUnmanaged(Houston(), UnmanagedPolicy::kRemove),
       {Want(kA, editor)}, {Live(kA, editor), Live(kB, editor)}, {Managed(kA, editor)},
       {"- remove bob@acme.io ckws1=WORKSPACE_EDITOR (unmanaged; unmanaged: remove)"}},
  };
}

TEST_CASE("planner: one row per rule of SPEC §3 and the capability table") {
  for (const Row& row : Rows()) {
    const std::string name = row.name;
    CAPTURE(name);
    const PlatformPlan plan = MakePlan(row.policy, DesiredOf(row.desired), LiveOf(row.live),
                                       ManagedOf(row.managed), PlanOptions{});
    CHECK(Lines(plan) == row.expected);
    CHECK(plan.unmanaged == row.unmanaged);
    CHECK_FALSE(plan.blocked);
    for (const auto& a : plan.actions) CHECK(a.platform == row.policy.platform);
  }
}

TEST_CASE("actions carry the live user id and the grants the connector needs") {
  const auto plan = MakePlan(Houston(), DesiredOf({Want(kA, Scoped({{"ckws1", "WORKSPACE_ADMIN"}}))}),
                             LiveOf({Live(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}}))}),
                             ManagedOf({Managed(kA, Scoped({{"ckws1", "WORKSPACE_EDITOR"}}))}),
                             {});
  REQUIRE(plan.actions.size() == 1);
  const Action& a = plan.actions[0];
  CHECK(a.user_id == "id-alice");
  CHECK(a.before == Scoped({{"ckws1", "WORKSPACE_EDITOR"}}));
  CHECK(a.after == Scoped({{"ckws1", "WORKSPACE_ADMIN"}}));
  CHECK(a.disposition == Disposition::kApply);
}

TEST_CASE("expired invitation is sent again once, then waits for acceptance") {
  const auto policy = Ws();
  const auto desired = DesiredOf({Want(kA, Single("DEVELOPER"))});
  const auto managed = ManagedOf({Managed(kA, Single("DEVELOPER"))});
  const auto first =
      MakePlan(policy, desired, LiveOf({Live(kA, Single("DEVELOPER"), kExpired)}), managed, {});
  REQUIRE(first.actions.size() == 1);
  CHECK(first.actions[0].verb == Verb::kReinvite);
  CHECK(first.changes() == 1);
  // The new invitation replaces the old one and is pending: nothing more to send.
  const auto second =
      MakePlan(policy, desired, LiveOf({Live(kA, Single("DEVELOPER"), kPending)}), managed, {});
  CHECK(second.actions.empty());
}

TEST_CASE("an update carries the desired profile and leaves grants alone") {
  Wanted d = Want(kA, Set({"g1"}));
  d.profile.name = "Alice Liddell";
  d.profile.external_id = "E1";
  Listed u = Live(kA, Set({"g1"}));
  u.name = "Alice";
  const auto plan = MakePlan(Scim(), DesiredOf({d}), LiveOf({u}), ManagedOf({Managed(kA, Set({"g1"}))}), {});
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].verb == Verb::kUpdate);
  Profile want = d.profile;  // with the names ResolveDesired derives for scim
  want.given_name = "Alice";
  want.family_name = "Liddell";
  CHECK(plan.actions[0].profile == want);
  CHECK(plan.actions[0].before == plan.actions[0].after);
}

TEST_CASE("an invite carries the profile to send") {
  Wanted d = Want(kA, Single("DEVELOPER"));
  d.profile.email_as_written = "Alice@Acme.io";
  d.profile.given_name = "Alice";
  const auto plan = MakePlan(Ws(), DesiredOf({d}), LiveOf({}), {}, {});
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].profile == d.profile);
  CHECK(plan.actions[0].after == Single("DEVELOPER"));
}

TEST_CASE("an action's profile has the names derived from `name`, on every platform type") {
  // ResolveDesired derives given/family names only where the platform reads them
  // (UsesPersonNames); the journal records every action's profile with them, as before.
  Wanted d = Want(kA, Single("DEVELOPER"));
  d.profile.name = "Alice  Pleasance Liddell ";
  const auto plan = MakePlan(Ws(), DesiredOf({d}), LiveOf({}), {}, {});
  REQUIRE(plan.actions.size() == 1);
  const Profile& p = plan.actions[0].profile;
  CHECK(p.name == "Alice  Pleasance Liddell ");
  CHECK(p.given_name == std::optional<std::string>("Alice  Pleasance"));
  CHECK(p.family_name == std::optional<std::string>("Liddell"));
  d.profile.given_name = "Al";  // a written name wins over the derived one
  const auto written = MakePlan(Ws(), DesiredOf({d}), LiveOf({}), {}, {});
  REQUIRE(written.actions.size() == 1);
  CHECK(written.actions[0].profile.given_name == std::optional<std::string>("Al"));
  CHECK(written.actions[0].profile.family_name == std::optional<std::string>("Liddell"));
}

TEST_CASE("actions run invite, adopt, reactivate, grant, update, retire, remove, by email") {
  auto policy = WithUnmanaged(Scim(), UnmanagedPolicy::kRemove);
  policy.offboarding = Offboarding::kRemove;
  auto named = [](Wanted d, const char* name) {
    d.profile.name = name;
    return d;
  };
  auto named_live = [](Listed u, const char* name) {
    u.name = name;
    return u;
  };
  const auto plan = MakePlan(
      policy,
      DesiredOf({Want("zed@x.io", Set({"g"})), Want("amy@x.io", Set({"g"})),
                 Want("cat@x.io", Set({"g", "h"})), Want("dan@x.io", Set({"g"})),
                 named(Want("eve@x.io", Set({"g"})), "Eve"), Suspended("fay@x.io")}),
      LiveOf({Live("cat@x.io", Set({"g"})), Live("dan@x.io", Set({"g"}), kRetired),
              named_live(Live("eve@x.io", Set({"g"})), "E"), Live("fay@x.io", Set({"g"})),
              Live("gus@x.io", Set({"g"})), Live("hal@x.io", Set({"g"}))}),
      ManagedOf({Managed("cat@x.io", Set({"g"})), Managed("dan@x.io", Set({"g"}), true),
                 Managed("eve@x.io", Set({"g"})), Managed("fay@x.io", Set({"g"})),
                 Managed("gus@x.io", Set({"g"}))}),
      {});
  std::vector<std::string> got;
  for (const auto& a : plan.actions) got.push_back(std::string(VerbName(a.verb)) + " " + a.email);
  CHECK(got == std::vector<std::string>{"invite amy@x.io", "invite zed@x.io",
                                        "reactivate dan@x.io", "grant cat@x.io",
                                        "update eve@x.io", "retire fay@x.io", "remove gus@x.io",
                                        "remove hal@x.io"});
  CHECK(plan.desired == 6);
  CHECK(plan.live == 6);
  CHECK(plan.managed == 5);
}

TEST_CASE("the same inputs give the same plan") {
  auto build = [] {
    return MakePlan(Ws(), DesiredOf({Want(kA, Single("DEVELOPER")), Want(kB, Single("ADMIN"))}),
                    LiveOf({Live(kB, Single("ANALYST"))}), ManagedOf({Managed(kB, Single("ANALYST"))}),
                    {});
  };
  CHECK(build() == build());
}

TEST_CASE("adopt is not a change except on orgadmin, where it re-asserts role and status") {
  for (const auto& row : {std::pair{Ws(), 0u}, std::pair{Org(), 1u}}) {
    const PlatformPolicy& policy = row.first;
    const std::size_t changes = row.second;
    const std::string type(PlatformTypeName(policy.type));
    CAPTURE(type);
    const auto plan = MakePlan(policy, DesiredOf({Want(kA, Single("user"))}),
                               LiveOf({Live(kA, Single("user"))}, policy.type != PlatformType::kOrgadmin),
                               {}, {});
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].verb == Verb::kAdopt);
    CHECK(plan.changes() == changes);
  }
}

TEST_CASE("deferred actions are not changes") {
  const auto plan = MakePlan(Ws(), DesiredOf({Want(kA, Single("DEVELOPER"))}),
                             LiveOf({Live(kA, Single("ANALYST"), kPending)}),
                             ManagedOf({Managed(kA, Single("ANALYST"))}), {});
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].disposition == Disposition::kDeferred);
  CHECK(plan.changes() == 0);
  CHECK(plan.held() == 0);
}

TEST_CASE("orgadmin managed member the listing cannot see is offboarded from last applied") {
  const auto plan = MakePlan(Org(), DesiredOf({}), LiveOf({}, /*complete=*/false),
                             ManagedOf({Managed(kB, SingleSet("user", {"g1"}))}),
                             PlanOptions{.allow_removals = 1});
  CHECK(Lines(plan) ==
        std::vector<std::string>{"- retire bob@acme.io user [g1] (no longer desired on org; "
                                 "offboarding: retire)"});
  CHECK(plan.actions[0].user_id == "id-bob");
}

TEST_CASE("orgadmin desired member the listing cannot see is not invited again") {
  const Grants g = SingleSet("admin", {"g1"});
  const auto plan = MakePlan(Org(), DesiredOf({Want(kA, g)}), LiveOf({}, false),
                             ManagedOf({Managed(kA, g)}), {});
  CHECK(plan.actions.empty());
}

TEST_CASE("orgadmin role it cannot read live is taken from last applied") {
  const Grants last = SingleSet("admin", {"g1"});
  SUBCASE("unchanged: nothing to do") {
    const auto plan = MakePlan(Org(), DesiredOf({Want(kA, last)}),
                               LiveOf({Live(kA, Set({"g1"}))}, false), ManagedOf({Managed(kA, last)}),
                               {});
    CHECK(plan.actions.empty());
  }
  SUBCASE("a role change in the manifest is a grant from the last applied role") {
    const auto plan = MakePlan(Org(), DesiredOf({Want(kA, SingleSet("user", {"g1"}))}),
                               LiveOf({Live(kA, Set({"g1"}))}, false), ManagedOf({Managed(kA, last)}),
                               {});
    CHECK(Lines(plan) ==
          std::vector<std::string>{"~ grant alice@acme.io admin [g1] → user [g1] (desired on org)"});
  }
}

TEST_CASE("orgadmin role and status are re-asserted once reassert_interval has passed, not before") {
  PlatformPolicy policy = Org();
  policy.reassert_interval_seconds = 3600;
  const Grants g = SingleSet("admin", {"g1"});
  ManagedAccount account = Managed(kA, g);
  account.last_asserted = 10'000;
  struct Case {
    const char* name;
    int64_t now;
    std::size_t actions;
  };
  for (const Case& c : {Case{"just asserted", 10'000, 0}, Case{"one second early", 13'599, 0},
                        Case{"exactly due", 13'600, 1}, Case{"long overdue", 99'000, 1},
                        Case{"time unknown", 0, 0}}) {
    CAPTURE(c.name);
    const auto plan = MakePlan(policy, DesiredOf({Want(kA, g)}), LiveOf({Live(kA, Set({"g1"}))}, false),
                               ManagedOf({account}), PlanOptions{.now = c.now});
    REQUIRE(plan.actions.size() == c.actions);
    CHECK(plan.changes() == c.actions);
    if (c.actions == 0) continue;
    const Action& a = plan.actions[0];
    CHECK(a.verb == Verb::kGrant);
    CHECK(a.before == g);
    CHECK(a.after == g);
    CHECK(a.user_id == "id-alice");
    CHECK_FALSE(a.drift);
    CHECK(a.reason == "re-asserting role and status (every 1h)");
  }
}

TEST_CASE("orgadmin re-assertion is not added where another action already sends role and status") {
  PlatformPolicy policy = Org();
  policy.reassert_interval_seconds = 1;
  const PlanOptions due{.now = 1'000'000};
  SUBCASE("a grant change already sends the role") {
    const auto plan = MakePlan(policy, DesiredOf({Want(kA, SingleSet("admin", {"g1"}))}),
                               LiveOf({Live(kA, Set({"g1"}))}, false),
                               ManagedOf({Managed(kA, SingleSet("user", {"g1"}))}), due);
    CHECK(Lines(plan) ==
          std::vector<std::string>{"~ grant alice@acme.io user [g1] → admin [g1] (desired on org)"});
  }
  SUBCASE("a retired member is reactivated, not re-asserted") {
    const Grants g = SingleSet("user", {});
    const auto plan = MakePlan(policy, DesiredOf({Want(kA, g)}), LiveOf({}, false),
                               ManagedOf({Managed(kA, g, /*retired=*/true)}), due);
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].verb == Verb::kReactivate);
  }
  SUBCASE("a suspended member is not re-asserted") {
    const Grants g = SingleSet("user", {});
    const auto plan = MakePlan(policy, DesiredOf({Suspended(kA, g)}), LiveOf({}, false),
                               ManagedOf({Managed(kA, g, /*retired=*/true)}), due);
    CHECK(plan.actions.empty());
  }
  SUBCASE("other platform types never re-assert") {
    PlatformPolicy ws = Ws();
    ws.reassert_interval_seconds = 1;
    const auto plan = MakePlan(ws, DesiredOf({Want(kA, Single("DEVELOPER"))}),
                               LiveOf({Live(kA, Single("DEVELOPER"))}),
                               ManagedOf({Managed(kA, Single("DEVELOPER"))}), due);
    CHECK(plan.actions.empty());
  }
}

TEST_CASE("PolicyFor takes reassert_interval in seconds for orgadmin only") {
  PlatformConfig config;
  config.name = "fw";
  config.type = PlatformType::kOrgadmin;
  config.reassert_interval = std::chrono::milliseconds(90'000);
  CHECK(PolicyFor(config).reassert_interval_seconds == 90);
  config.type = PlatformType::kScim;
  CHECK(PolicyFor(config).reassert_interval_seconds == 0);
}

TEST_CASE("PolicyFor copies the platform block's reconcile settings") {
  PlatformConfig config;
  config.name = "astra";
  config.type = PlatformType::kAstra;
  config.offboarding = Offboarding::kRemove;
  config.unmanaged = UnmanagedPolicy::kReport;
  config.max_removals = RemovalLimit{.percent = true, .value = 20};
  const PlatformPolicy p = PolicyFor(config);
  CHECK(p.platform == "astra");
  CHECK(p.type == PlatformType::kAstra);
  CHECK(p.offboarding == Offboarding::kRemove);
  CHECK(p.unmanaged == UnmanagedPolicy::kReport);
  CHECK(p.max_removals == config.max_removals);
}

}  // namespace
}  // namespace idsync
