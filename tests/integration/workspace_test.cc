// The spine end to end on the workspace platform: the real idsync binary against the
// real idsync-sim. Each case starts its own simulator and state DB.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

const std::string kSeed =
    WsSeed(std::string("    - { email: eve@acme.io, name: Eve Unmanaged, accountType: DEVELOPER }\n") + kBobBuilder);

// A workspace manifest against the simulator; `users` is the YAML of the users list.
std::string Manifest(const Sim& sim, const std::string& users, const std::string& extra = "") {
  return WsHead(sim) + extra +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  analyst: { ws: ANALYST }\n"
         "  admin: { ws: ADMIN }\n"
         "groups:\n"
         "  data: { roles: [analyst] }\n"
         "users:\n" + users;
}

struct Fixture : PlatformFixture {
  Fixture() : PlatformFixture(kSeed, "workspace", kWsEnv) {}

  // email -> {"status": "active"|"invited", "accountType": ..., "inviteStatus": ...}
  nlohmann::json Find(const std::string& email) {
    nlohmann::json state = PlatformState();
    for (const auto& u : state["users"])
      if (u["email"] == email && !u.value("disabled", false)) return {{"status", "active"}, {"accountType", u["accountType"]}};
    for (const auto& u : state["invitations"])
      if (u["email"] == email)
        return {{"status", "invited"}, {"accountType", u["accountType"]}, {"inviteStatus", u["inviteStatus"]}};
    return nullptr;
  }
};

}  // namespace

TEST_CASE("desired users are invited, and a converged second apply sends nothing") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: Alice@Acme.io, roles: [engineer] }\n"
                   "  - { email: carl@acme.io, groups: [data] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  CHECK(plan.exit_code == 2);
  CHECK(Has(plan.out, "alice@acme.io"));
  CHECK(Has(plan.out, "carl@acme.io"));
  CHECK(f.Mutations() == 0);

  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("alice@acme.io")["status"] == "invited");
  CHECK(f.Find("alice@acme.io")["accountType"] == "DEVELOPER");
  CHECK(f.Find("carl@acme.io")["accountType"] == "ANALYST");
  int after_first = f.Mutations();
  CHECK(after_first == 2);

  RunResult again = f.Apply();
  CHECK(again.exit_code == 0);
  CHECK(f.Mutations() == after_first);
  RunResult noop = f.Plan({"--detailed-exitcode"});
  INFO(noop.out);
  CHECK(noop.exit_code == 0);
}

TEST_CASE("an existing account is adopted and its account type changed") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [analyst] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io")["accountType"] == "ANALYST");
  CHECK(f.Mutations() == 1);
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("the most privileged account type wins across roles") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: dana@acme.io, roles: [analyst, admin], groups: [data] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Find("dana@acme.io")["accountType"] == "ADMIN");
}

TEST_CASE("a suspended user is retired and a suspended absent user never invited") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: bob@acme.io, roles: [engineer], suspended: true }\n"
                   "  - { email: zed@acme.io, roles: [engineer], suspended: true }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io").is_null());  // disabled users are not listed
  CHECK(f.Find("zed@acme.io").is_null());
  CHECK(f.sim.Counters()["workspace"].value("inviteUser", 0) == 0);
}

TEST_CASE("a user gone from the manifest is retired; the unmanaged one is left alone") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"
                          "  - { email: amy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/workspace/accept", {{"email", "amy@acme.io"}});
  f.Write(Manifest(f.sim, "  - { email: amy@acme.io, roles: [engineer] }\n"));
  RunResult plan = f.Plan();
  CHECK(Has(plan.out, "retire"));
  CHECK(Has(plan.out, "bob@acme.io"));
  CHECK_FALSE(Has(plan.out, "eve@acme.io"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io").is_null());
  CHECK(f.Find("eve@acme.io")["status"] == "active");
  CHECK(f.Find("amy@acme.io")["status"] == "active");
}

TEST_CASE("drift is reverted and shown as drift") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/workspace/drift", {{"email", "bob@acme.io"}, {"accountType", "ADMIN"}});
  RunResult plan = f.Plan({"--format", "json"});
  auto json = nlohmann::json::parse(plan.out);
  REQUIRE(json["platforms"][0]["actions"].size() == 1);
  CHECK(json["platforms"][0]["actions"][0]["drift"] == true);
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Find("bob@acme.io")["accountType"] == "DEVELOPER");
}

TEST_CASE("an expired invitation is sent again once") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/workspace/expire", {{"email", "ivy@acme.io"}});
  RunResult plan = f.Plan();
  CHECK(Has(plan.out, "reinvite"));
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Find("ivy@acme.io")["inviteStatus"] == "ACTIVE");
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.sim.Counters()["workspace"].value("inviteUser", 0) == 2);
}

TEST_CASE("a grant change on a pending invitation is deferred, not failed") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [admin] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  CHECK(plan.exit_code == 0);
  CHECK(Has(plan.out, "deferred"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 0);
  CHECK(f.Find("ivy@acme.io")["accountType"] == "DEVELOPER");
}

TEST_CASE("the removal guard holds a mass offboarding until allowed") {
  Fixture f;
  std::string seven;
  for (int i = 0; i < 7; ++i) seven += "  - { email: u" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  f.Write(Manifest(f.sim, seven));
  REQUIRE(f.Apply().exit_code == 0);
  for (int i = 0; i < 7; ++i) f.sim.Post("/_sim/workspace/accept", {{"email", "u" + std::to_string(i) + "@acme.io"}});

  SUBCASE("six of seven gone exceeds the default limit of five") {
    f.Write(Manifest(f.sim, "  - { email: u0@acme.io, roles: [engineer] }\n"));
    CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 3);
    RunResult held = f.Apply();
    CHECK(held.exit_code == 3);
    CHECK(f.Find("u1@acme.io")["status"] == "active");
    CHECK(f.Apply({"--allow-removals", "5"}).exit_code == 3);
    RunResult released = f.Apply({"--allow-removals", "6"});
    INFO(released.out, released.err);
    CHECK(released.exit_code == 0);
    CHECK(f.Find("u1@acme.io").is_null());
    CHECK(f.Find("u0@acme.io")["status"] == "active");
  }
  SUBCASE("an emptied manifest is held even with a high max_removals") {
    f.Write(Manifest(f.sim, "  []\n", "    max_removals: 100\n"));
    RunResult held = f.Apply();
    INFO(held.out, held.err);
    CHECK(held.exit_code == 3);
    CHECK(f.Find("u3@acme.io")["status"] == "active");
  }
}

TEST_CASE("bad credentials give a clear error naming the platform, never the secret") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  f.env["WS_SECRET"] = "wrong-secret-PLANTED";
  RunResult plan = f.Plan();
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.err, "ws"));
  CHECK_FALSE(Has(plan.err + plan.out, "wrong-secret-PLANTED"));
  f.env.erase("WS_SECRET");
  RunResult missing = f.Plan();
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.err + missing.out, "WS_SECRET"));
}

TEST_CASE("a bad manifest gives FILE:LINE:COLUMN errors and touches nothing") {
  Fixture f;
  std::string path = f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer], colour: red }\n"));
  RunResult validate = Idsync({"validate", "-f", path});
  CHECK(validate.exit_code == 1);
  CHECK(Has(validate.err, path + ":"));
  CHECK(Has(validate.err, "colour"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 1);
  CHECK(f.Mutations() == 0);
}

TEST_CASE("history and status read the state without the network") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  RunResult history = Idsync({"history", "--state", f.State(), "--user", "IVY@acme.io"});
  CHECK(history.exit_code == 0);
  CHECK(Has(history.out, "invite"));
  CHECK(Has(history.out, "succeeded"));
  RunResult status = Idsync({"status", "--state", f.State(), "--format", "json"});
  REQUIRE(status.exit_code == 0);
  auto json = nlohmann::json::parse(status.out);
  REQUIRE(json.size() == 1);
  CHECK(json[0]["platform"] == "ws");
  CHECK(json[0]["succeeded"] == 1);
}

TEST_CASE("version and unknown commands") {
  CHECK(Has(Idsync({"version"}).out, "idsync "));
  CHECK(Idsync({"frobnicate"}).exit_code == 1);
}

}  // namespace idsync::testing
