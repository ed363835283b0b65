// Saved plans (SPEC §4): `plan --out FILE` then `apply --plan FILE` applies exactly the
// reviewed actions; a plan gone stale (manifest changed, live users changed behind
// idsync's back through the sim's control API), made by another version or for other
// platforms is refused before any change is sent (the sim's mutation counter).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

const std::string kSeed = WsSeed(kBobBuilder, "k", "s");

const char* kUsers = "  - { email: bob@acme.io, roles: [engineer] }\n"
                     "  - { email: new@acme.io, roles: [engineer] }\n";

struct Fixture {
  Sim sim;
  TempDir dir;
  std::string manifest, state, saved;
  std::map<std::string, std::string> env{{"WS_KEY", "k"}, {"WS_SECRET", "s"}};
  explicit Fixture(const std::string& seed = kSeed) : sim(seed) {
    manifest = dir.Write("m.yaml", WsEngineers(sim, kUsers));
    state = dir.path() + "/state.db";
    saved = dir.path() + "/plan.json";
  }
  int Mutations() const { return sim.Counters()["workspace"].value("mutations", 0); }
  RunResult Plan() const { return Idsync({"plan", "-f", manifest, "--state", state, "--out", saved}, env); }
  RunResult ApplySaved() const {
    return Idsync({"apply", "-f", manifest, "--state", state, "--plan", saved}, env);
  }
};

}  // namespace

TEST_CASE("a saved plan is applied exactly, and the same file cannot be applied twice") {
  Fixture f;
  RunResult plan = f.Plan();
  REQUIRE(plan.exit_code == 0);
  CHECK(Has(plan.out, "new@acme.io  DEVELOPER"));
  CHECK(f.Mutations() == 0);
  auto file = nlohmann::json::parse(f.dir.Read("plan.json"));
  CHECK(file["saved_plan_version"] == 1);
  CHECK(file["plan"]["format_version"] == 2);
  CHECK(file["platforms"][0]["platform"] == "ws");
  CHECK(file["platforms"][0]["live_fingerprint"].get<std::string>().size() == 64);
  CHECK(file["manifest_digest"].get<std::string>().size() == 64);

  RunResult apply = f.ApplySaved();
  CAPTURE(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(Has(apply.out, "ws: 2 succeeded, 0 failed"));
  CHECK(f.Mutations() > 0);
  CHECK(Idsync({"plan", "-f", f.manifest, "--state", f.state, "--detailed-exitcode"}, f.env).exit_code == 0);

  // Applied once, the live users changed: the file is stale now.
  const int before = f.Mutations();
  RunResult again = f.ApplySaved();
  CHECK(again.exit_code == 1);
  CHECK(Has(again.err, "stale"));
  CHECK(f.Mutations() == before);
}

TEST_CASE("a saved plan is refused as stale when the manifest changed, and nothing is sent") {
  Fixture f;
  REQUIRE(f.Plan().exit_code == 0);
  f.dir.Write("m.yaml", WsEngineers(f.sim, std::string(kUsers) + "  - { email: late@acme.io, roles: [engineer] }\n"));
  RunResult apply = f.ApplySaved();
  CHECK(apply.exit_code == 1);
  CHECK(Has(apply.err, "stale"));
  CHECK(Has(apply.err, "manifest"));
  CHECK(f.Mutations() == 0);
}

TEST_CASE("a saved plan is refused as stale when a platform's live users changed, and nothing is sent") {
  Fixture f;
  REQUIRE(f.Plan().exit_code == 0);
  f.sim.Post("/_sim/workspace/drift", {{"email", "bob@acme.io"}, {"accountType", "ADMIN"}});
  const int before = f.Mutations();
  RunResult apply = f.ApplySaved();
  CHECK(apply.exit_code == 1);
  CHECK(Has(apply.err, "stale"));
  CHECK(Has(apply.err, "ws's live users changed"));
  CHECK(f.Mutations() == before);
}

TEST_CASE("a saved plan from another idsync version or for other platforms is refused") {
  Fixture f;
  REQUIRE(f.Plan().exit_code == 0);
  auto file = nlohmann::json::parse(f.dir.Read("plan.json"));
  auto other_version = file;
  other_version["idsync_version"] = "0.0.1-other";
  f.dir.Write("plan.json", other_version.dump());
  RunResult version = f.ApplySaved();
  CHECK(version.exit_code == 1);
  CHECK(Has(version.err, "made by idsync 0.0.1-other"));
  auto other_platform = file;
  other_platform["platforms"][0]["platform"] = "elsewhere";
  f.dir.Write("plan.json", other_platform.dump());
  RunResult platforms = f.ApplySaved();
  CHECK(platforms.exit_code == 1);
  CHECK(Has(platforms.err, "elsewhere"));
  f.dir.Write("plan.json", "{ not json");
  CHECK(f.ApplySaved().exit_code == 1);
  CHECK(f.Mutations() == 0);
}

}  // namespace idsync::testing

namespace idsync::testing {

TEST_CASE("a saved plan's held removals stay held, and --allow-removals releases them") {
  std::string seed = "workspace:\n  credentials: { api_key: k, api_secret: s }\n  users:\n";
  std::string six;
  for (int i = 0; i < 6; ++i) {
    seed += "    - { email: u" + std::to_string(i) + "@acme.io, name: U, accountType: DEVELOPER }\n";
    six += "  - { email: u" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  }
  Fixture f(seed);
  f.dir.Write("m.yaml", WsEngineers(f.sim, six));
  REQUIRE(Idsync({"apply", "-f", f.manifest, "--state", f.state}, f.env).exit_code == 0);
  f.dir.Write("m.yaml", WsEngineers(f.sim, "  []\n"));
  RunResult plan = Idsync({"plan", "-f", f.manifest, "--state", f.state, "--out", f.saved, "--detailed-exitcode"}, f.env);
  CAPTURE(plan.out);
  REQUIRE(plan.exit_code == 3);
  const int before = f.Mutations();
  RunResult held = f.ApplySaved();
  CAPTURE(held.err);
  CHECK(held.exit_code == 3);
  CHECK(Has(held.out, "6 held"));
  CHECK(f.Mutations() == before);
  RunResult released = Idsync({"apply", "-f", f.manifest, "--state", f.state, "--plan", f.saved,
                               "--allow-removals", "6"}, f.env);
  CAPTURE(released.err);
  CHECK(released.exit_code == 0);
  CHECK(Has(released.out, "ws: 6 succeeded"));
  CHECK(f.Mutations() > before);
}

}  // namespace idsync::testing
