// orgadmin end to end: the real idsync binary against the real idsync-sim. The platform
// cannot list members, so these cases check what idsync reads (counters) as much as
// what it changes. Each case starts its own simulator and state DB.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

constexpr const char* kOrg = "7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e";
constexpr const char* kEng = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11";
constexpr const char* kAna = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b22";
constexpr const char* kFrank = "f0f0f0f0-0000-4000-8000-00000000000f";

const char* kSeed = R"(
orgadmin:
  credentials: { token: sim-org-token }
  org: { id: 7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e, name: Fluxweave }
  groups:
    - { id: 0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11, name: Engineering }
    - { id: 0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b22, name: Analytics }
  users:
    - { email: bob@acme.io, first: Bob, last: Stone }
    - { email: dave@acme.io, first: Dave, last: Jones }
    - { email: gina@acme.io, first: Gina, last: Retired }
    - { id: 0a0a0a0a-0000-4000-8000-00000000000a, email: hana@acme.io, first: Hana, last: Kay }
    - { id: f0f0f0f0-0000-4000-8000-00000000000f, email: frank@acme.io, first: Frank, last: Outsider }
  members:
    - { email: bob@acme.io, role: user, status: active, groups: [0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11] }
    - { email: gina@acme.io, role: user, status: retired }
    - { email: frank@acme.io, role: admin, status: active, groups: [0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11] }
)";

std::string Manifest(const Sim& sim, const std::string& users, const std::string& extra = "") {
  return "version: 1\n"
         "platforms:\n"
         "  fw:\n"
         "    type: orgadmin\n"
         "    url: " + sim.Url("/orgadmin/graphql") + "\n"
         "    credentials:\n"
         "      token: { env: FW_TOKEN }\n"
         "    org: " + kOrg + "\n"
         "    unmanaged: report\n" + extra +
         "roles:\n"
         "  engineer: { fw: { groups: [\"" + kEng + "\"] } }\n"
         "  analyst: { fw: { groups: [\"" + kAna + "\"] } }\n"
         "  admin: { fw: { role: admin } }\n"
         "  member: { fw: {} }\n"
         "users:\n" + users;
}

struct Fixture : PlatformFixture {
  Fixture() : PlatformFixture(kSeed, "orgadmin", {{"FW_TOKEN", "sim-org-token"}}) {}

  int Count(const char* name) { return Counter(name, -1); }
  void ResetCounters() { sim.Post("/_sim/counters/reset"); }
  // The membership of `email` ({email, userId, role, status, groups}), or null.
  nlohmann::json Member(const std::string& email) {
    const nlohmann::json state = sim.State();
    for (const auto& m : state["orgadmin"]["members"])
      if (m["email"] == email) return m;
    return nullptr;
  }
};

}  // namespace

TEST_CASE("a new user is created, an existing one added, and a converged reconcile costs only groupUsers") {
  Fixture f;
  f.Write(Manifest(f.sim,
                   "  - { email: alice@acme.io, name: Alice Liddell, external_id: E-7, roles: [engineer] }\n"
                   "  - { email: dave@acme.io, name: Dave Jones, roles: [analyst, admin] }\n"));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 2);
  CHECK(Has(plan.out, std::string("userId:") + kFrank));  // unmanaged member of a managed group
  CHECK(f.Count("mutations") == 0);

  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Count("createUser") == 1);
  CHECK(f.Count("addOrgMember") == 1);
  nlohmann::json alice = f.Member("alice@acme.io");
  CHECK(alice["role"] == "user");
  CHECK(alice["status"] == "active");
  CHECK(alice["externalId"] == "E-7");
  CHECK(alice["groups"] == nlohmann::json{kEng});
  nlohmann::json dave = f.Member("dave@acme.io");
  CHECK(dave["role"] == "admin");
  CHECK(dave["groups"] == nlohmann::json{kAna});
  nlohmann::json frank = f.Member("frank@acme.io");
  CHECK(frank["role"] == "admin");
  CHECK(frank["groups"] == nlohmann::json{kEng});

  // The id createUser returned reaches the state DB's id cache only through a listing
  // (the daemon keeps the cache for List alone), so the next process looks alice up once.
  f.ResetCounters();
  RunResult second = f.Apply();
  INFO(second.out, second.err);
  CHECK(second.exit_code == 0);
  CHECK(f.Count("findUserBy") == 1);
  CHECK(f.Count("mutations") == 0);

  f.ResetCounters();
  RunResult again = f.Apply();
  INFO(again.out, again.err);
  CHECK(again.exit_code == 0);
  CHECK(f.Count("groupUsers") == 2);  // one per managed group
  CHECK(f.Count("findUserBy") == 0);  // every id cached
  CHECK(f.Count("mutations") == 0);
  CHECK(f.Count("requests") == 2);
  RunResult noop = f.Plan({"--detailed-exitcode"});
  INFO(noop.out, noop.err);
  CHECK(noop.exit_code == 0);
}

TEST_CASE("a member idsync did not know answers already a member and is made active with the role") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: gina@acme.io, name: Gina Retired, roles: [member] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Count("addOrgMember") == 1);
  CHECK(f.Count("updateMember") == 1);
  CHECK(f.Member("gina@acme.io")["status"] == "active");
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("a member seen in a managed group is adopted and given the desired role") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: bob@acme.io, name: Bob Stone, roles: [engineer, admin] }\n"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Count("addOrgMember") == 0);
  CHECK(f.Member("bob@acme.io")["role"] == "admin");
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("a user gone from the manifest is retired and keeps their groups") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n"
                          "  - { email: dave@acme.io, name: Dave Jones, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  - { email: dave@acme.io, name: Dave Jones, roles: [engineer] }\n"));
  RunResult plan = f.Plan();
  CHECK(Has(plan.out, "retire"));
  CHECK(Has(plan.out, "alice@acme.io"));
  RunResult apply = f.Apply();
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(f.Member("alice@acme.io")["status"] == "retired");
  CHECK(f.Member("alice@acme.io")["groups"] == nlohmann::json{kEng});
  CHECK(f.Member("frank@acme.io")["status"] == "active");  // unmanaged: left alone
  CHECK(f.Plan({"--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("a status changed behind idsync's back on a managed-group member is corrected") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  f.sim.Post("/_sim/orgadmin/drift", {{"email", "alice@acme.io"}, {"status", "retired"}});
  RunResult plan = f.Plan({"--format", "json"});
  INFO(plan.out, plan.err);
  auto json = nlohmann::json::parse(plan.out);
  REQUIRE(json["platforms"][0]["actions"].size() == 1);
  CHECK(json["platforms"][0]["actions"][0]["action"] == "reactivate");
  CHECK(json["platforms"][0]["actions"][0]["drift"] == true);
  REQUIRE(f.Apply().exit_code == 0);
  CHECK(f.Member("alice@acme.io")["status"] == "active");
}

TEST_CASE("a member removed from the org behind idsync's back is added back within two applies") {
  // hana is a Fluxweave user but no member in the seed; /_sim/reset puts the org back to
  // the seed, which is the removal made outside idsync.
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: hana@acme.io, name: Hana Kay, roles: [engineer] }\n"));
  REQUIRE(f.Apply().exit_code == 0);
  REQUIRE(f.Member("hana@acme.io")["status"] == "active");
  f.sim.Post("/_sim/reset");
  REQUIRE(f.Member("hana@acme.io").is_null());

  // idsync cannot see the removal (no member list); the next change it sends to hana
  // (here a role) meets `not a member`: a failure (orgadmin.md) that forgets the
  // membership, and the apply after that adds hana back and converges. Before the fix
  // every apply failed with the same message, for ever.
  f.Write(Manifest(f.sim, "  - { email: hana@acme.io, name: Hana Kay, roles: [engineer, admin] }\n"));
  RunResult first = f.Apply();
  INFO(first.out, first.err);
  CHECK(first.exit_code == 1);
  CHECK(Has(first.out + first.err, "not a member"));
  RunResult second = f.Apply();
  INFO(second.out, second.err);
  CHECK(second.exit_code == 0);
  const nlohmann::json hana = f.Member("hana@acme.io");
  CHECK(hana["status"] == "active");
  CHECK(hana["role"] == "admin");
  CHECK(hana["groups"] == nlohmann::json{kEng});
  RunResult converged = f.Plan({"--detailed-exitcode"});
  INFO(converged.out, converged.err);
  CHECK(converged.exit_code == 0);
}

TEST_CASE("role and status are re-asserted once reassert_interval has passed, not before") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer, admin] }\n",
                   "    reassert_interval: 2s\n"));
  REQUIRE(f.Apply().exit_code == 0);
  REQUIRE(f.Member("alice@acme.io")["role"] == "admin");
  // A role change idsync cannot see: nothing to do until the interval has passed.
  f.sim.Post("/_sim/orgadmin/drift", {{"email", "alice@acme.io"}, {"role", "user"}});
  f.ResetCounters();
  RunResult early = f.Apply();
  INFO(early.out, early.err);
  CHECK(early.exit_code == 0);
  CHECK(f.Count("mutations") == 0);
  CHECK(f.Member("alice@acme.io")["role"] == "user");

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  RunResult plan = f.Plan({"--detailed-exitcode"});
  INFO(plan.out);
  CHECK(plan.exit_code == 2);
  CHECK(Has(plan.out, "re-asserting role and status (every 2s)"));
  RunResult due = f.Apply();
  INFO(due.out, due.err);
  CHECK(due.exit_code == 0);
  CHECK(f.Count("updateMember") == 1);
  CHECK(f.Count("mutations") == 1);
  CHECK(f.Member("alice@acme.io")["role"] == "admin");
  f.ResetCounters();
  REQUIRE(f.Apply().exit_code == 0);  // just asserted: nothing again
  CHECK(f.Count("mutations") == 0);
}

TEST_CASE("an unknown group id is a plan-time error naming it; nothing is sent") {
  Fixture f;
  const std::string missing = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b99";
  std::string manifest = Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [ghost] }\n");
  manifest.replace(manifest.find("roles:\n") + 7, 0, "  ghost: { fw: { groups: [\"" + missing + "\"] } }\n");
  f.Write(manifest);
  RunResult plan = f.Plan();
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out + plan.err, missing));
  CHECK(Has(plan.out + plan.err, "group not found"));
  RunResult apply = f.Apply();
  CHECK(apply.exit_code == 1);
  CHECK(f.Count("mutations") == 0);
}

TEST_CASE("bad credentials give a clear error naming the platform, never the token") {
  Fixture f;
  f.Write(Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n"));
  f.env["FW_TOKEN"] = "wrong-token-PLANTED";
  RunResult plan = f.Plan();
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 1);
  CHECK(Has(plan.out + plan.err, "fw"));
  CHECK(Has(plan.out + plan.err, "unauthenticated"));
  CHECK_FALSE(Has(plan.out + plan.err, "wrong-token-PLANTED"));
  CHECK(f.Count("unauthorized") >= 1);
}

TEST_CASE("the removal guard holds a mass retirement") {
  Fixture f;
  std::string six;
  for (int i = 0; i < 6; ++i) six += "  - { email: u" + std::to_string(i) + "@acme.io, name: U Ser, roles: [engineer] }\n";
  f.Write(Manifest(f.sim, six));
  REQUIRE(f.Apply().exit_code == 0);
  f.Write(Manifest(f.sim, "  []\n"));
  RunResult held = f.Apply();
  INFO(held.out, held.err);
  CHECK(held.exit_code == 3);
  CHECK(f.Member("u1@acme.io")["status"] == "active");
  RunResult released = f.Apply({"--allow-removals", "6"});
  CHECK(released.exit_code == 0);
  CHECK(f.Member("u1@acme.io")["status"] == "retired");
}

TEST_CASE("offboarding: remove and a user without a first and last name are validation errors") {
  Fixture f;
  struct Row {
    const char* name;
    std::string manifest;
    const char* message;
  };
  const Row rows[] = {
      {"offboarding: remove",
       Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n",
                "    offboarding: remove\n"),
       "offboarding: remove is not possible on a orgadmin platform"},
      {"unmanaged: remove",
       Manifest(f.sim, "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n",
                "    unmanaged: remove\n"),
       "unmanaged: remove is not possible on a orgadmin platform"},
      {"a one-word name", Manifest(f.sim, "  - { email: cher@acme.io, name: Cher, roles: [engineer] }\n"),
       "needs given_name and family_name, or a name with a space"},
      {"no name at all", Manifest(f.sim, "  - { email: anon@acme.io, roles: [member] }\n"),
       "needs given_name and family_name, or a name with a space"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    std::string manifest = row.manifest;
    // `unmanaged: report` is already in the block; a second key would be a different error.
    if (std::string(row.name) == "unmanaged: remove") manifest.replace(manifest.find("    unmanaged: report\n"), 22, "");
    const std::string path = f.Write(manifest);
    RunResult validate = Idsync({"validate", "-f", path});
    INFO(validate.out, validate.err);
    CHECK(validate.exit_code == 1);
    CHECK(Has(validate.err, row.message));
  }
  CHECK(f.Count("requests") == 0);
}

}  // namespace idsync::testing
