// export → apply round trip with the real binaries: the exported manifest, applied
// unchanged to the platform it came from, changes nothing (adopts only), and a second
// plan has no action at all.
#include <doctest/doctest.h>

#include "tests/integration/harness.h"

namespace idsync::testing {
namespace {

bool Has(const std::string& s, const std::string& n) { return s.find(n) != std::string::npos; }

struct RoundTrip {
  nlohmann::json first_plan, second_plan;
  int plan_exit = -1;
  std::string exported;
};

// Exports `platform` of `manifest`, then plans and applies the export with a fresh state.
RoundTrip ExportAndApply(const Sim& sim, TempDir& dir, const std::string& manifest,
                         const std::string& platform, const std::map<std::string, std::string>& env) {
  RoundTrip r;
  std::string source = dir.Write("source.yaml", manifest);
  RunResult exported = Idsync({"export", "-f", source, "--platform", platform, "--state",
                               dir.path() + "/export.db"}, env);
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  r.exported = exported.out;
  std::string path = dir.Write("exported.yaml", exported.out);
  std::string state = dir.path() + "/adopt.db";
  RunResult plan = Idsync({"plan", "-f", path, "--state", state, "--detailed-exitcode"}, env);
  r.plan_exit = plan.exit_code;
  RunResult json = Idsync({"plan", "-f", path, "--state", state, "--format", "json"}, env);
  r.first_plan = nlohmann::json::parse(json.out);
  RunResult apply = Idsync({"apply", "-f", path, "--state", state}, env);
  INFO(apply.out, apply.err);
  REQUIRE(apply.exit_code == 0);
  RunResult again = Idsync({"plan", "-f", path, "--state", state, "--format", "json"}, env);
  r.second_plan = nlohmann::json::parse(again.out);
  (void)sim;
  return r;
}

}  // namespace

TEST_CASE("a workspace export applied unchanged changes nothing") {
  Sim sim(R"(
workspace:
  credentials: { api_key: k, api_secret: s }
  users:
    - { email: ann@acme.io, name: "Ann O'Neil", accountType: ADMIN }
    - { email: ben@acme.io, name: Ben, accountType: DEVELOPER }
    - { email: cid@acme.io, accountType: SANDBOX_USER }
  invitations:
    - { email: dot@acme.io, accountType: ANALYST, inviteStatus: SENT }
    - { email: exp@acme.io, accountType: BUSINESS, inviteStatus: EXPIRED }
)");
  TempDir dir;
  std::string manifest =
      "version: 1\nplatforms:\n  ws:\n    type: workspace\n    url: " + sim.Url("/workspace/graphql") +
      "\n    credentials: { api_key: { env: K }, api_secret: { env: S } }\n    max_removals: 20%\n";
  std::map<std::string, std::string> env{{"K", "k"}, {"S", "s"}};
  RoundTrip r = ExportAndApply(sim, dir, manifest, "ws", env);
  CAPTURE(r.exported);
  CHECK(Has(r.exported, "api_key: {env: K}"));
  CHECK(Has(r.exported, "max_removals: 20%"));
  CHECK(Has(r.exported, "# expired invitation: exp@acme.io"));
  CHECK(r.plan_exit == 0);  // adopts only: no changes
  for (const auto& a : r.first_plan["platforms"][0]["actions"]) CHECK(a["action"] == "adopt");
  CHECK(r.first_plan["platforms"][0]["actions"].size() == 4);
  CHECK(r.second_plan["platforms"][0]["actions"].empty());
  CHECK(sim.Counters()["workspace"].value("mutations", 0) == 0);
}

TEST_CASE("export needs exactly one known platform") {
  TempDir dir;
  std::string m = dir.Write("m.yaml",
                            "version: 1\nplatforms:\n  ws:\n    type: workspace\n    url: http://127.0.0.1:9/x\n"
                            "    credentials: { api_key: { env: K }, api_secret: { env: S } }\n");
  CHECK(Idsync({"export", "-f", m}).exit_code == 1);
  RunResult unknown = Idsync({"export", "-f", m, "--platform", "nope", "--state", dir.path() + "/s.db"});
  CHECK(unknown.exit_code == 1);
  CHECK(Has(unknown.err, "nope"));
}

}  // namespace idsync::testing
