// Account life cycle across runs (issue 15): a leaver missing from one listing is not
// forgotten, offboarding runs last, a half-sent houston invitation is completed, and
// the journal counts every HTTP send. The real idsync binary against the real
// idsync-sim; each case starts its own simulators and state DB.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/platform_fixture.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

const std::string kBobAndEve = WsSeed("    - { email: bob@acme.io, accountType: DEVELOPER }\n"
                                      "    - { email: eve@acme.io, accountType: DEVELOPER }\n");

// The same org as one flaky listing answers it: eve is missing.
const std::string kBobOnly = WsSeed("    - { email: bob@acme.io, accountType: DEVELOPER }\n");

struct WsFixture {
  TempDir dir;
  std::map<std::string, std::string> env = kWsEnv;
  RunResult Apply(const std::string& manifest) {
    dir.Write("idsync.yaml", manifest);
    return Idsync({"apply", "-f", dir.path() + "/idsync.yaml", "--state", dir.path() + "/state.db"}, env);
  }
  int Managed() {
    RunResult r = Idsync({"status", "--state", dir.path() + "/state.db", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out).at(0).at("managed").get<int>();
  }
};

bool Active(const Sim& sim, const std::string& email) {
  const json ws = sim.State()["workspace"];  // kept: the loop reads into it
  for (const auto& u : ws["users"])
    if (u["email"] == email && !u.value("disabled", false)) return true;
  return false;
}

}  // namespace

TEST_CASE("a leaver missing from one listing stays managed and is retired when listed again") {
  Sim org(kBobAndEve), flaky(kBobOnly);
  WsFixture f;
  REQUIRE(Active(org, "eve@acme.io"));
  const std::string both = "  - { email: bob@acme.io, roles: [engineer] }\n"
                           "  - { email: eve@acme.io, roles: [engineer] }\n";
  const std::string bob = "  - { email: bob@acme.io, roles: [engineer] }\n";
  RunResult adopt = f.Apply(WsEngineers(org, both));
  REQUIRE_MESSAGE(adopt.exit_code == 0, adopt.err);
  CHECK(f.Managed() == 2);

  // Eve leaves the manifest while a listing misses her (twice: her offboarding is
  // still due, so even a confirmed absence does not forget her).
  for (int i = 0; i < 2; ++i) {
    RunResult missed = f.Apply(WsEngineers(flaky, bob));
    INFO(missed.err);
    CHECK(missed.exit_code == 0);
    CHECK(f.Managed() == 2);
  }

  RunResult listed = f.Apply(WsEngineers(org, bob));
  INFO(listed.out, listed.err);
  CHECK(listed.exit_code == 0);
  CHECK_FALSE(Active(org, "eve@acme.io"));  // retired, not left with access
}

TEST_CASE("a retired account is forgotten only once two consecutive complete listings miss it") {
  Sim org(kBobAndEve);
  WsFixture f;
  const std::string bob = "  - { email: bob@acme.io, roles: [engineer] }\n";
  REQUIRE(f.Apply(WsEngineers(org, bob + "  - { email: eve@acme.io, roles: [engineer] }\n")).exit_code == 0);
  RunResult retire = f.Apply(WsEngineers(org, bob));
  REQUIRE_MESSAGE(retire.exit_code == 0, retire.err);
  CHECK_FALSE(Active(org, "eve@acme.io"));
  CHECK(f.Managed() == 2);
  REQUIRE(f.Apply(WsEngineers(org, bob)).exit_code == 0);  // first listing without her
  CHECK(f.Managed() == 2);
  REQUIRE(f.Apply(WsEngineers(org, bob)).exit_code == 0);  // second: confirmed
  CHECK(f.Managed() == 1);
}

TEST_CASE("the journal's attempts count every HTTP send of an action, retries included") {
  Sim org(kBobAndEve);
  WsFixture f;
  std::string users;
  for (int i = 0; i < 12; ++i) users += "  - { email: new" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  // Half of all requests fail with 500 before the platform sees them; the retry loop
  // (5 sends at most) gets nearly every one through.
  org.Post("/_sim/faults", {{"workspace", {{"error_rate", {{"500", 0.5}}}, {"seed", 7}}}});
  RunResult apply = f.Apply(WsEngineers(org, users) + "  - { email: bob@acme.io, roles: [engineer] }\n");
  INFO(apply.err);
  RunResult history = Idsync({"history", "--state", f.dir.path() + "/state.db", "--format", "json"});
  REQUIRE(history.exit_code == 0);
  int rows = 0, sends = 0, retried = 0;
  for (const auto& r : json::parse(history.out)) {
    if (r["action"] != "invite") continue;
    ++rows;
    sends += r["attempts"].get<int>();
    retried += r["attempts"].get<int>() > 1 ? 1 : 0;
    CHECK(r["attempts"].get<int>() >= 1);
    CHECK(r["attempts"].get<int>() <= 5);
  }
  CHECK(rows == 12);
  CHECK(retried > 0);
  // Every send the simulator received is a listing's or an invite's.
  const json faults = org.Counters()["workspace"]["faults"];
  CHECK(sends < faults["received"].get<int>());
  RunResult table = Idsync({"history", "--state", f.dir.path() + "/state.db"});
  CHECK(table.out.find("ATTEMPTS") != std::string::npos);
}

}  // namespace idsync::testing
