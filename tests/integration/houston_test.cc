// The houston platform end to end: the real idsync binary against the real idsync-sim
// at /houston/v1. Each case starts its own simulator and state DB.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

const char* kSeed = R"(
houston:
  credentials: { api_key: sim-houston-key }
  workspaces:
    - { id: ckws1, label: Data }
    - { id: ckws2, label: ML }
  users:
    - { id: cku001, email: root@acme.io, system: SYSTEM_ADMIN }
    - { id: cku002, email: bob@acme.io, system: SYSTEM_VIEWER, workspaces: { ckws1: WORKSPACE_VIEWER } }
    - { id: cku003, email: eve@acme.io, workspaces: { ckws2: WORKSPACE_EDITOR } }
)";

std::string Block(const Sim& sim, const std::string& name, const std::string& extra = "") {
  return "  " + name + ":\n"
         "    type: houston\n"
         "    url: " + sim.Url("/houston/v1") + "\n"
         "    credentials:\n"
         "      api_key: { env: HOUSTON_KEY }\n" + extra;
}

// A houston manifest: roles engineer (ckws1 editor), viewer (system viewer + ckws2
// viewer), admin (system admin + ckws1 admin), ml (ckws2 admin).
std::string Manifest(const Sim& sim, const std::string& users, const std::string& extra = "") {
  return "version: 1\n"
         "platforms:\n" + Block(sim, "astro", extra) +
         "roles:\n"
         "  engineer: { astro: { workspaces: { ckws1: WORKSPACE_EDITOR } } }\n"
         "  viewer: { astro: { system: SYSTEM_VIEWER, workspaces: { ckws2: WORKSPACE_VIEWER } } }\n"
         "  admin: { astro: { system: SYSTEM_ADMIN, workspaces: { ckws1: WORKSPACE_ADMIN } } }\n"
         "  ml: { astro: { workspaces: { ckws2: WORKSPACE_ADMIN } } }\n"
         "users:\n" + users;
}

struct Fixture : PlatformFixture {
  explicit Fixture(const std::string& seed = kSeed)
      : PlatformFixture(seed, "houston", {{"HOUSTON_KEY", "sim-houston-key"}}) {}

  json User(const std::string& email) {
    const json state = PlatformState();
    for (const json& u : state["users"])
      if (u["email"] == email) return u;
    return nullptr;
  }
  json Invites(const std::string& email) {
    const json state = PlatformState();
    json out = json::array();
    for (const json& i : state["invites"])
      if (i["email"] == email) out.push_back(i);
    return out;
  }
  // A converged platform: a plan with no changes and an apply sending no mutation.
  void CheckConverged() {
    RunResult plan = Plan({"--detailed-exitcode"});
    INFO(plan.out, plan.err);
    CHECK(plan.exit_code == 0);
    const int before = Mutations();
    RunResult again = Apply();
    CHECK(again.exit_code == 0);
    CHECK(Mutations() == before);
  }
};

}  // namespace

TEST_CASE("houston: desired people are invited with system role and workspaces, then nothing is sent") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: Alice@Acme.io, roles: [viewer, engineer] }\n"
                          "  - { email: carl@acme.io, roles: [ml] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  CHECK(plan.exit_code == 2);
  CHECK(f.Mutations() == 0);
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  json alice = f.Invites("alice@acme.io");
  REQUIRE(alice.size() == 3);
  CHECK(alice[0] == json{{"id", alice[0]["id"]}, {"email", "alice@acme.io"}, {"role", "SYSTEM_VIEWER"}});
  CHECK(alice[1]["workspace"] == "ckws1");
  CHECK(alice[1]["role"] == "WORKSPACE_EDITOR");
  CHECK(alice[2]["workspace"] == "ckws2");
  CHECK(f.Invites("carl@acme.io").size() == 1);
  CHECK(f.Counters()["inviteUser"] == 1);
  CHECK(f.Counters()["workspaceAddUser"] == 3);
  f.CheckConverged();

  // Sign-up turns the invitations into bindings; still nothing to do.
  f.sim.Post("/_sim/houston/accept", {{"email", "alice@acme.io"}});
  CHECK(f.User("alice@acme.io")["system"] == "SYSTEM_VIEWER");
  f.CheckConverged();
}

TEST_CASE("houston: an existing user is adopted and every kind of grant change is made") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [admin, ml] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  json bob = f.User("bob@acme.io");
  CHECK(bob["system"] == "SYSTEM_ADMIN");
  CHECK(bob["workspaces"] == json{{"ckws1", "WORKSPACE_ADMIN"}, {"ckws2", "WORKSPACE_ADMIN"}});
  CHECK(f.Counters()["createSystemRoleBinding"] == 1);
  CHECK(f.Counters()["deleteSystemRoleBinding"] == 1);
  CHECK(f.Counters()["workspaceUpdateUserRole"] == 1);

  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  bob = f.User("bob@acme.io");
  CHECK_FALSE(bob.contains("system"));
  CHECK(bob["workspaces"] == json{{"ckws1", "WORKSPACE_EDITOR"}});
  f.CheckConverged();
}

TEST_CASE("houston: a grant change for a pending person is deferred until sign-up") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [engineer, ml] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  CHECK(plan.exit_code == 0);
  CHECK(Has(plan.out, "deferred"));
  const int before = f.Mutations();
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Mutations() == before);
  CHECK(f.Invites("ivy@acme.io").size() == 1);
  f.sim.Post("/_sim/houston/accept", {{"email", "ivy@acme.io"}});
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.User("ivy@acme.io")["workspaces"] == json{{"ckws1", "WORKSPACE_EDITOR"}, {"ckws2", "WORKSPACE_ADMIN"}});
}

TEST_CASE("houston: offboarding retires (grants gone, account kept), reactivates, and leaves the unmanaged alone") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"
                          "  - { email: ivy@acme.io, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  []\n"));
  RunResult plan = f.Plan();
  CHECK(Has(plan.out, "retire"));
  CHECK_FALSE(Has(plan.out, "eve@acme.io"));
  RunResult apply = f.Apply({"--allow-removals", "2"});
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  json bob = f.User("bob@acme.io");
  REQUIRE_FALSE(bob.is_null());
  CHECK_FALSE(bob.contains("system"));
  CHECK_FALSE(bob.contains("workspaces"));
  CHECK(f.Invites("ivy@acme.io").empty());  // a pending person's invitations are deleted
  CHECK(f.User("eve@acme.io")["workspaces"] == json{{"ckws2", "WORKSPACE_EDITOR"}});
  f.CheckConverged();

  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n"));
  RunResult back = f.Plan();
  CHECK(Has(back.out, "reactivate"));
  REQUIRE(f.Apply().exit_code == 0);
  bob = f.User("bob@acme.io");
  CHECK(bob["system"] == "SYSTEM_VIEWER");
  CHECK(bob["workspaces"] == json{{"ckws2", "WORKSPACE_VIEWER"}});
}

TEST_CASE("houston: offboarding remove deletes the account and a pending person's invitations") {
  Fixture f;
  const std::string remove = "    offboarding: remove\n";
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"
                          "  - { email: ivy@acme.io, roles: [viewer] }\n", remove));
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Invites("ivy@acme.io").size() == 2);
  f.Write(Manifest(f.sim, "  - { email: ann@acme.io, roles: [engineer] }\n", remove));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.User("bob@acme.io").is_null());
  CHECK(f.Invites("ivy@acme.io").empty());
  CHECK(f.Counters()["removeUser"] == 1);
  CHECK(f.Counters()["deleteInviteToken"] == 2);
  CHECK_FALSE(f.User("eve@acme.io").is_null());
  f.CheckConverged();
}

TEST_CASE("houston: drift is reverted and counted as drift") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/houston/drift", {{"email", "bob@acme.io"}, {"system", json::array({"SYSTEM_ADMIN", "SYSTEM_EDITOR"})},
                                     {"workspaces", {{"ckws1", "WORKSPACE_ADMIN"}}}});
  RunResult plan = f.Plan({"--format", "json"});
  json parsed = json::parse(plan.out);
  REQUIRE(parsed["platforms"][0]["actions"].size() == 1);
  CHECK(parsed["platforms"][0]["actions"][0]["drift"] == true);
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  json bob = f.User("bob@acme.io");
  CHECK(bob["system"] == "SYSTEM_VIEWER");  // both other system bindings deleted
  CHECK(bob["workspaces"] == json{{"ckws2", "WORKSPACE_VIEWER"}});
  f.CheckConverged();
}

TEST_CASE("houston: the removal guard holds a mass offboarding") {
  Fixture f;
  std::string seven;
  for (int i = 0; i < 7; ++i) seven += "  - { email: u" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  f.Write(Manifest(f.sim, seven, "    offboarding: remove\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: u0@acme.io, roles: [engineer] }\n", "    offboarding: remove\n"));
  CHECK(f.Apply().exit_code == 3);
  CHECK(f.Invites("u1@acme.io").size() == 1);
  CHECK(f.Counters()["deleteInviteToken"] == 0);
}

TEST_CASE("houston: bad credentials give a clear error naming the platform, never the key") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  f.env["HOUSTON_KEY"] = "wrong-key-PLANTED";
  RunResult plan = f.Plan();
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.err + plan.out, "astro"));
  CHECK(Has(plan.err + plan.out, "UNAUTHENTICATED"));
  CHECK_FALSE(Has(plan.err + plan.out, "wrong-key-PLANTED"));
  CHECK(f.Counters()["unauthorized"].get<int>() >= 1);
}

TEST_CASE("houston: an unknown workspace id fails the plan naming it and the valid ids; nothing is applied") {
  Fixture f;
  std::string manifest = Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer, typo] }\n"
                                         "  - { email: new@acme.io, roles: [engineer] }\n");
  manifest.insert(manifest.find("users:\n"), "  typo: { astro: { workspaces: { ckwsX: WORKSPACE_VIEWER } } }\n");
  f.Write(manifest);
  RunResult plan = f.Plan();
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.err + plan.out, "ckwsX"));
  CHECK(Has(plan.err + plan.out, "ckws1 (Data)"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 1);
  CHECK(f.Mutations() == 0);
}

TEST_CASE("houston: removing the last SYSTEM_ADMIN fails with the server's message") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: root@acme.io, roles: [admin] }\n", "    offboarding: remove\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [engineer] }\n", "    offboarding: remove\n"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 1);
  CHECK(Has(apply.err + apply.out, "Cannot remove the last SYSTEM_ADMIN"));
  CHECK_FALSE(f.User("root@acme.io").is_null());
}

TEST_CASE("houston: more than 1000 users are listed in pages of 1000") {
  std::string seed = std::string(kSeed) + "";
  for (int i = 0; i < 2097; ++i) seed += "    - { email: p" + std::to_string(i) + "@acme.io, system: SYSTEM_VIEWER }\n";
  Fixture f(seed);
  f.Write(Manifest(f.sim, "  - { email: p2050@acme.io, roles: [viewer] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Counters()["users"] == 3);  // 2,100 users: 1000 + 1000 + 100
  CHECK(f.User("p2050@acme.io")["workspaces"] == json{{"ckws2", "WORKSPACE_VIEWER"}});
  CHECK(f.Counters()["workspaceAddUser"] == 1);
}

TEST_CASE("houston: two instances in one manifest reconcile independently") {
  Fixture f;  // "data": the default seed
  Sim other(R"(
houston:
  credentials: { api_key: other-key }
  workspaces:
    - { id: ckml1, label: Models }
  users:
    - { id: cku001, email: ops@acme.io, system: SYSTEM_ADMIN }
)");
  f.env["OTHER_KEY"] = "other-key";
  std::string ml_block = Block(other, "ml");
  ml_block.replace(ml_block.find("HOUSTON_KEY"), 11, "OTHER_KEY");
  std::string manifest =
      "version: 1\n"
      "platforms:\n" + Block(f.sim, "data") + ml_block +
      "roles:\n"
      "  data-eng: { data: { workspaces: { ckws1: WORKSPACE_EDITOR } } }\n"
      "  ml-eng: { ml: { system: SYSTEM_VIEWER, workspaces: { ckml1: WORKSPACE_ADMIN } } }\n"
      "  ml-typo: { ml: { workspaces: { ckws1: WORKSPACE_ADMIN } } }\n"
      "users:\n"
      "  - { email: bob@acme.io, roles: [data-eng, ml-eng] }\n"
      "  - { email: zoe@acme.io, roles: [ml-eng] }\n";
  f.Write(manifest);
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.User("bob@acme.io")["workspaces"] == json{{"ckws1", "WORKSPACE_EDITOR"}});
  CHECK(f.Invites("zoe@acme.io").empty());
  const json ml_invites = other.State()["houston"]["invites"];
  REQUIRE(ml_invites.size() == 4);  // bob and zoe: system + ckml1 each
  int bob_ml_admin = 0;  // users are invited concurrently, so the order is free
  for (const json& invite : ml_invites)
    bob_ml_admin += invite == json{{"id", invite["id"]}, {"email", "bob@acme.io"}, {"role", "WORKSPACE_ADMIN"},
                                   {"workspace", "ckml1"}};
  CHECK(bob_ml_admin == 1);
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
  CHECK(other.Counters()["houston"]["mutations"] == 4);

  // A workspace id of one instance is unknown to the other: only that one fails.
  manifest.replace(manifest.find("roles: [ml-eng] }"), 17, "roles: [ml-eng, ml-typo, data-eng] }");
  f.Write(manifest);
  RunResult partial = f.Apply();
  CHECK(partial.exit_code == 1);
  CHECK(Has(partial.err + partial.out, "ckws1"));
  CHECK(Has(partial.err + partial.out, "ckml1 (Models)"));
  CHECK(f.Invites("zoe@acme.io").size() == 1);  // data still applied
  CHECK(other.Counters()["houston"]["mutations"] == 4);
}

}  // namespace idsync::testing
