// The astra platform end to end: the real idsync binary against the real idsync-sim.
// Each case starts its own simulator and state DB.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

constexpr const char* kOrgA = "0d6c1c52-5f7e-4b8e-9a38-1f0f1e2d3c4b";
constexpr const char* kOrgB = "7a1e4c7d-2b9f-4e61-8d0c-5b6a7f8e9d01";

std::string Seed(const std::string& org = kOrgA, const std::string& token = "AstraCS:sim-token",
                 const std::string& extra = "") {
  return "astra:\n"
         "  credentials: { token: \"" + token + "\" }\n"
         "  org: { id: " + org + ", name: Acme }\n" + extra +
         "  users:\n"
         "    - { email: eve@acme.io, status: active, roles: [UI View Only] }\n"
         "    - { email: bob@acme.io, status: active, roles: [RO User] }\n";
}

// One astra platform block named `name` against `sim`.
std::string Platform(const Sim& sim, const std::string& name, const std::string& env_var,
                     const std::string& extra = "") {
  return "  " + name + ":\n"
         "    type: astra\n"
         "    url: " + sim.Url("/astra") + "\n"
         "    credentials:\n"
         "      token: { env: " + env_var + " }\n" + extra;
}

// An astra manifest against the simulator; `users` is the YAML of the users list.
std::string Manifest(const Sim& sim, const std::string& users, const std::string& extra = "",
                     const std::string& more_roles = "") {
  return "version: 1\n"
         "platforms:\n" + Platform(sim, "astra", "ASTRA_TOKEN", extra) +
         "roles:\n"
         "  dba: { astra: [ \"Database Administrator\", \"UI View Only\" ] }\n"
         "  viewer: { astra: [ \"ui view only\" ] }\n"
         "  admin: { astra: [ \"Organization Administrator\" ] }\n" + more_roles +
         "users:\n" + users;
}

// The line of `text` holding `needle`, or "".
std::string LineWith(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (Has(line, needle)) return line;
  return "";
}

// email -> {"status", "roles": [names, sorted], "id", "email", "invitationsSent"} in `sim`.
nlohmann::json FindIn(const Sim& sim, const std::string& email) {
  nlohmann::json state = sim.State()["astra"];
  for (auto u : state["users"]) {
    if (u["email"].get<std::string>().size() == email.size() &&
        std::equal(email.begin(), email.end(), u["email"].get<std::string>().begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      std::set<std::string> names(u["roles"].begin(), u["roles"].end());
      u["roles"] = names;
      return u;
    }
  }
  return nullptr;
}

using Names = std::set<std::string>;

struct Fixture : PlatformFixture {
  explicit Fixture(const std::string& seed = Seed())
      : PlatformFixture(seed, "astra", {{"ASTRA_TOKEN", "AstraCS:sim-token"}}) {}

  nlohmann::json Find(const std::string& email) { return FindIn(sim, email); }
};

}  // namespace

TEST_CASE("desired users are invited with role ids from names, and a converged apply sends nothing") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: \" Alice@Acme.io\", roles: [dba] }\n"
                   "  - { email: carl@acme.io, roles: [viewer, admin] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 2);
  CHECK(Has(plan.out, "alice@acme.io"));
  CHECK(f.Mutations() == 0);
  CHECK(f.Counter("listUsers") == 1);  // one listing request each per reconcile
  CHECK(f.Counter("listRoles") == 1);

  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  nlohmann::json alice = f.Find("alice@acme.io");
  CHECK(alice["email"] == "Alice@Acme.io");  // as written, trimmed
  CHECK(alice["status"] == "invited");
  CHECK(alice["roles"] == Names{"Database Administrator", "UI View Only"});
  CHECK(f.Find("carl@acme.io")["roles"] == Names{"Organization Administrator", "UI View Only"});
  CHECK(f.Mutations() == 2);

  RunResult again = f.Apply();
  INFO(again.out, again.err);
  CHECK(again.exit_code == 0);
  CHECK(f.Mutations() == 2);
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
  f.sim.Post("/_sim/astra/accept", {{"email", "alice@acme.io"}});
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);  // signing up changes nothing
  CHECK(f.Find("alice@acme.io")["invitationsSent"] == 1);
}

TEST_CASE("an existing member is adopted and its roles replaced in one request") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [dba] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io")["roles"] == Names{"Database Administrator", "UI View Only"});
  CHECK(f.Counter("setRoles") == 1);
  CHECK(f.Counter("inviteUser") == 0);
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("an invitation's roles change at once, never by inviting again") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [viewer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: ivy@acme.io, roles: [admin] }\n"));
  RunResult plan = f.Plan();
  CHECK(Has(LineWith(plan.out, "ivy@acme.io"), "grant"));
  CHECK_FALSE(Has(plan.out, "(deferred"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  nlohmann::json ivy = f.Find("ivy@acme.io");
  CHECK(ivy["status"] == "invited");
  CHECK(ivy["roles"] == Names{"Organization Administrator"});
  CHECK(ivy["invitationsSent"] == 1);
  CHECK(f.Counter("inviteUser") == 1);
  CHECK(f.Counter("setRoles") == 1);
}

TEST_CASE("a suspended member is removed since astra cannot retire; a suspended absent user is never invited") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: bob@acme.io, roles: [viewer], suspended: true }\n"
                   "  - { email: zed@acme.io, roles: [viewer], suspended: true }\n"));
  RunResult plan = f.Plan();
  std::string line = LineWith(plan.out, "bob@acme.io");
  INFO(plan.out);
  CHECK(Has(line, "remove"));
  CHECK(Has(line, "(suspended; platform cannot retire)"));
  CHECK_FALSE(Has(plan.out, "zed@acme.io"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io").is_null());
  CHECK(f.Find("zed@acme.io").is_null());
  CHECK(f.Counter("inviteUser") == 0);
  CHECK(f.Counter("deleteUser") == 1);
}

TEST_CASE("users gone from the manifest are removed or their invitation cancelled; the unmanaged one stays") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n"
                          "  - { email: amy@acme.io, roles: [viewer] }\n"
                          "  - { email: joe@acme.io, roles: [viewer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/astra/accept", {{"email", "amy@acme.io"}});
  f.Write(Manifest(f.sim, "  - { email: amy@acme.io, roles: [viewer] }\n"));
  RunResult plan = f.Plan();
  CHECK(Has(LineWith(plan.out, "bob@acme.io"), "remove"));
  CHECK(Has(LineWith(plan.out, "joe@acme.io"), "remove"));
  CHECK_FALSE(Has(plan.out, "eve@acme.io"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("bob@acme.io").is_null());
  CHECK(f.Find("joe@acme.io").is_null());  // the invitation is cancelled
  CHECK(f.Find("eve@acme.io")["status"] == "active");
  CHECK(f.Find("amy@acme.io")["status"] == "active");
}

TEST_CASE("drift is reverted and shown as drift") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/astra/drift", {{"email", "bob@acme.io"}, {"roles", {"Billing Admin", "UI View Only"}}});
  RunResult plan = f.Plan({"--format", "json"});
  auto json = nlohmann::json::parse(plan.out);
  REQUIRE(json["platforms"][0]["actions"].size() == 1);
  CHECK(json["platforms"][0]["actions"][0]["drift"] == true);
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Find("bob@acme.io")["roles"] == Names{"UI View Only"});
}

TEST_CASE("the removal guard holds a mass offboarding until allowed") {
  Fixture f;
  std::string seven;
  for (int i = 0; i < 7; ++i) seven += "  - { email: u" + std::to_string(i) + "@acme.io, roles: [viewer] }\n";
  f.Write(Manifest(f.sim, seven));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: u0@acme.io, roles: [viewer] }\n"));
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 3);
  CHECK(f.Apply().exit_code == 3);
  CHECK(f.Find("u1@acme.io")["status"] == "invited");
  CHECK(f.Counter("deleteUser") == 0);
  RunResult released = f.Apply({"--allow-removals", "6"});
  INFO(released.out, released.err);
  CHECK(released.exit_code == 0);
  CHECK(f.Find("u1@acme.io").is_null());
  CHECK(f.Find("u0@acme.io")["status"] == "invited");
}

TEST_CASE("bad credentials give a clear error naming the platform, never the token") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n"));
  f.env["ASTRA_TOKEN"] = "AstraCS:wrong-PLANTED";
  RunResult plan = f.Plan();
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out + plan.err, "astra astra: list users: HTTP 401"));
  CHECK_FALSE(Has(plan.err + plan.out, "wrong-PLANTED"));
  CHECK(f.Counter("unauthorized") == 1);
  f.env.erase("ASTRA_TOKEN");
  RunResult missing = f.Plan();
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.err + missing.out, "ASTRA_TOKEN"));
}

TEST_CASE("an unknown role name fails the platform at plan time, listing the valid names") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: bob@acme.io, roles: [admin] }\n"
                   "  - { email: new@acme.io, roles: [wizard] }\n",
                   "", "  wizard: { astra: [ \"Data Wizard\" ] }\n"));
  CHECK(Idsync({"validate", "-f", f.dir.path() + "/idsync.yaml"}).exit_code == 0);  // names need the API
  RunResult plan = f.Plan();
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out + plan.err, "unknown role \"Data Wizard\"; valid role names: API Admin User, "
                                 "API R/W User, API Read Only User, Billing Admin, Database Administrator, "
                                 "Organization Administrator, R/W User, RO User, UI View Only, User Admin API"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 1);
  CHECK(f.Mutations() == 0);  // bob's valid change is not applied either
  CHECK(f.Find("bob@acme.io")["roles"] == Names{"RO User"});
}

TEST_CASE("a role name two roles share is an error naming both ids") {
  Fixture f(Seed(kOrgA, "AstraCS:sim-token",
                 "  roles:\n"
                 "    - UI View Only\n"
                 "    - RO User\n"
                 "    - { name: Data Engineer, id: 11111111-1111-4111-8111-111111111111 }\n"
                 "    - { name: data engineer, id: 22222222-2222-4222-8222-222222222222 }\n"));
  f.Write(Manifest(f.sim, "  - { email: new@acme.io, roles: [eng] }\n", "",
                   "  eng: { astra: [ \"Data Engineer\" ] }\n"));
  RunResult plan = f.Plan();
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out + plan.err,
            "role name \"Data Engineer\" matches 2 roles (ids 11111111-1111-4111-8111-111111111111, "
            "22222222-2222-4222-8222-222222222222); use an id"));
  f.Write(Manifest(f.sim, "  - { email: new@acme.io, roles: [eng] }\n", "",
                   "  eng: { astra: [ \"22222222-2222-4222-8222-222222222222\" ] }\n"));
  RunResult by_id = f.Apply();
  INFO(by_id.out, by_id.err);
  REQUIRE(by_id.exit_code == 0);
  CHECK(f.Find("new@acme.io")["roles"] == Names{"data engineer"});
}

TEST_CASE("an org that is not the token's organization is an error and nothing is applied") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: new@acme.io, roles: [viewer] }\n",
                   "    org: " + std::string(kOrgB) + "\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  CHECK(apply.exit_code == 1);
  CHECK(Has(apply.out + apply.err, std::string("the token belongs to organization ") + kOrgA));
  CHECK(Has(apply.out + apply.err, std::string("not to org: ") + kOrgB));
  CHECK(f.Mutations() == 0);

  f.Write(Manifest(f.sim, "  - { email: new@acme.io, roles: [viewer] }\n",
                   "    org: " + std::string(kOrgA) + "\n"));
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Find("new@acme.io")["status"] == "invited");
}

TEST_CASE("offboarding: retire on astra is rejected by validate") {
  Fixture f;
  std::string path = f.Write(Manifest(f.sim, "  - { email: bob@acme.io, roles: [viewer] }\n",
                                      "    offboarding: retire\n"));
  RunResult validate = Idsync({"validate", "-f", path});
  CHECK(validate.exit_code == 1);
  CHECK(Has(validate.err, path + ":"));
  CHECK(Has(validate.err, "astra platform: it cannot retire"));
  CHECK(f.Apply().exit_code == 1);
  CHECK(f.Counter("requests") == 0);
}

TEST_CASE("two astra instances (two organizations) in one manifest converge independently") {
  Fixture f;
  Sim other(Seed(kOrgB, "AstraCS:other-token"));
  f.env["ASTRA_B_TOKEN"] = "AstraCS:other-token";
  f.Write("version: 1\n"
          "platforms:\n" + Platform(f.sim, "astra-a", "ASTRA_TOKEN") +
          Platform(other, "astra-b", "ASTRA_B_TOKEN") +
          "roles:\n"
          "  both: { astra-a: [ \"UI View Only\" ], astra-b: [ \"Billing Admin\" ] }\n"
          "  only-b: { astra-b: [ \"RO User\" ] }\n"
          "users:\n"
          "  - { email: alice@acme.io, roles: [both] }\n"
          "  - { email: bob@acme.io, roles: [only-b] }\n");
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Find("alice@acme.io")["roles"] == Names{"UI View Only"});
  CHECK(FindIn(other, "alice@acme.io")["roles"] == Names{"Billing Admin"});
  CHECK(f.Find("bob@acme.io")["roles"] == Names{"RO User"});  // not bound on astra-a: unmanaged
  CHECK(FindIn(other, "bob@acme.io")["roles"] == Names{"RO User"});
  CHECK(f.Mutations() == 1);
  CHECK(other.Counters()["astra"]["mutations"] == 1);  // alice invited; bob already right

  RunResult again = f.Apply();
  CHECK(again.exit_code == 0);
  CHECK(f.Mutations() == 1);
  CHECK(other.Counters()["astra"]["mutations"] == 1);
}

}  // namespace idsync::testing
