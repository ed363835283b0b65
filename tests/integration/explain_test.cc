// `idsync explain` (SPEC §4) with the real binary: offline from the manifest and the
// state (no credentials, the state never created nor written), and --live against the
// real idsync-sim.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

const std::string kSeed =
    WsSeed(std::string(kBobBuilder) + "    - { email: eve@acme.io, name: Eve Unmanaged, accountType: ANALYST }\n");

std::string Manifest(const Sim& sim) {
  return WsHead(sim) +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  admin: { ws: ADMIN }\n"
         "groups:\n"
         "  admins: { roles: [ admin ] }\n"
         "  eng: { groups: [ admins ] }\n"
         "users:\n"
         "  - { email: alice@acme.io, groups: [ eng ], roles: [ engineer ] }\n"
         "  - email: bob@acme.io\n"
         "    roles: [ engineer, { role: admin, expires: 2020-01-31 } ]\n";
}

}  // namespace

TEST_CASE("explain offline: the chain through nested groups, with no credentials and no state written") {
  Sim sim(kSeed);
  TempDir dir;
  const std::string manifest = dir.Write("m.yaml", Manifest(sim));
  const std::string state = dir.path() + "/state.db";
  RunResult r = Idsync({"explain", "alice@acme.io", "-f", manifest, "--state", state});
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "alice@acme.io: in the manifest (" + manifest + ":16:5)"));
  CHECK(Has(r.out, "  role admin \u2192 ADMIN  via group eng > admins\n"));
  CHECK(Has(r.out, "  wants: ADMIN (ADMIN from role admin via group eng > admins)\n"));
  CHECK(Has(r.out, "  last applied: nothing (not managed by idsync)\n"));
  CHECK_FALSE(std::filesystem::exists(state));
  CHECK(sim.Counters()["workspace"].value("listUsers", 0) == 0);  // offline: no request
}

TEST_CASE("explain reads what idsync applied and the journal, and --live plans this user alone") {
  Sim sim(kSeed);
  TempDir dir;
  const std::string manifest = dir.Write("m.yaml", Manifest(sim));
  const std::string state = dir.path() + "/state.db";
  REQUIRE(Idsync({"apply", "-f", manifest, "--state", state}, kWsEnv).exit_code == 0);
  const std::string before = dir.Read("state.db") + dir.Read("state.db-wal");

  RunResult bob = Idsync({"explain", "BOB@acme.io", "-f", manifest, "--state", state});
  INFO(bob.out, bob.err);
  CHECK(bob.exit_code == 0);
  CHECK(Has(bob.out, "  role admin \u2192 ADMIN  listed by the user; expired 2020-01-31\n"));
  CHECK(Has(bob.out, "  wants: DEVELOPER\n"));
  CHECK(Has(bob.out, "  last applied: DEVELOPER at "));
  CHECK(Has(bob.out, "  ws  adopt  succeeded"));

  sim.Post("/_sim/counters/reset");
  RunResult eve = Idsync({"explain", "eve@acme.io", "-f", manifest, "--state", state, "--live",
                          "--format", "json"}, kWsEnv);
  INFO(eve.out, eve.err);
  REQUIRE(eve.exit_code == 0);
  CHECK(sim.Counters()["workspace"]["listUsers"] == 1);  // one listing serves the user and the plan
  CHECK(sim.Counters()["workspace"]["mutations"] == 0);
  auto doc = nlohmann::json::parse(eve.out);
  CHECK(doc["summary"] == "not in the manifest; unmanaged");
  CHECK(doc["platforms"][0]["live"]["status"] == "active");
  CHECK(doc["platforms"][0]["live"]["plan"].empty());

  // alice was invited as ADMIN: live shows the pending invitation, and nothing is left to do.
  RunResult alice = Idsync({"explain", "alice@acme.io", "-f", manifest, "--state", state, "--live"}, kWsEnv);
  INFO(alice.out, alice.err);
  CHECK(alice.exit_code == 0);
  CHECK(Has(alice.out, "  live: pending ADMIN\n"));
  CHECK(Has(alice.out, "  plan: no changes\n"));
  CHECK(dir.Read("state.db") + dir.Read("state.db-wal") == before);  // never written

  RunResult nobody = Idsync({"explain", "zed@acme.io", "-f", manifest, "--state", state});
  CHECK(Has(nobody.out, "zed@acme.io: unknown: in neither the manifest nor the state"));
}

}  // namespace idsync::testing
