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

TEST_CASE("a houston export applied unchanged changes nothing") {
  Sim sim(R"(
houston:
  credentials: { api_key: hk }
  workspaces:
    - { id: ckws1, label: Data }
    - { id: ckws2, label: ML }
  users:
    - { id: cku001, email: root@acme.io, system: SYSTEM_ADMIN }
    - { id: cku002, email: bob@acme.io, system: SYSTEM_VIEWER, workspaces: { ckws1: WORKSPACE_VIEWER } }
    - { id: cku003, email: eve@acme.io, workspaces: { ckws2: WORKSPACE_EDITOR, ckws1: WORKSPACE_ADMIN } }
  invites:
    - { email: new@acme.io, role: SYSTEM_VIEWER }
)");
  TempDir dir;
  std::string manifest = "version: 1\nplatforms:\n  astro:\n    type: houston\n    url: " +
                         sim.Url("/houston/v1") + "\n    credentials: { api_key: { env: HK } }\n";
  RoundTrip r = ExportAndApply(sim, dir, manifest, "astro", {{"HK", "hk"}});
  CAPTURE(r.exported);
  CHECK(Has(r.exported, "ckws2"));
  CHECK(Has(r.exported, "SYSTEM_ADMIN"));
  CHECK(r.plan_exit == 0);
  for (const auto& a : r.first_plan["platforms"][0]["actions"]) CHECK(a["action"] == "adopt");
  CHECK(r.first_plan["platforms"][0]["actions"].size() == 4);
  CHECK(r.second_plan["platforms"][0]["actions"].empty());
  CHECK(sim.Counters()["houston"].value("mutations", 0) == 0);
}

TEST_CASE("an astra export names roles and, applied unchanged, changes nothing") {
  Sim sim(R"(
astra:
  credentials: { token: "AstraCS:t" }
  org: { id: 0d6c1c52-5f7e-4b8e-9a38-1f0f1e2d3c4b, name: Acme }
  users:
    - { email: eve@acme.io, status: active, roles: [UI View Only] }
    - { email: bob@acme.io, status: active, roles: [RO User, Billing Admin] }
    - { email: ivy@acme.io, status: invited, roles: [R/W User] }
)");
  TempDir dir;
  std::string manifest = "version: 1\nplatforms:\n  db:\n    type: astra\n    url: " + sim.Url("/astra") +
                         "\n    credentials: { token: { env: AT } }\n";
  RoundTrip r = ExportAndApply(sim, dir, manifest, "db", {{"AT", "AstraCS:t"}});
  CAPTURE(r.exported);
  CHECK(Has(r.exported, "\"Billing Admin\""));  // a name a person can read, not a role id
  CHECK(r.plan_exit == 0);
  for (const auto& a : r.first_plan["platforms"][0]["actions"]) CHECK(a["action"] == "adopt");
  CHECK(r.first_plan["platforms"][0]["actions"].size() == 3);
  CHECK(r.second_plan["platforms"][0]["actions"].empty());
  CHECK(sim.Counters()["astra"].value("mutations", 0) == 0);
}

TEST_CASE("an orgadmin export is partial: it holds the members idsync knows and says so") {
  Sim sim(R"(
orgadmin:
  credentials: { token: ot }
  org: { id: 7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e, name: Fluxweave }
  groups:
    - { id: 0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11, name: Engineering }
  users:
    - { email: bob@acme.io, first: Bob, last: Stone }
    - { email: frank@acme.io, first: Frank, last: Outsider }
  members:
    - { email: bob@acme.io, role: admin, status: active, groups: [0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11] }
    - { email: frank@acme.io, role: user, status: active }
)");
  TempDir dir;
  const std::string platform = "version: 1\nplatforms:\n  fw:\n    type: orgadmin\n    url: " +
                               sim.Url("/orgadmin/graphql") +
                               "\n    credentials: { token: { env: OT } }\n"
                               "    org: 7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e\n";
  // bob is in the manifest, frank is not: orgadmin cannot list members, so only bob can be exported.
  std::string manifest = platform +
                         "roles:\n  admin: { fw: { role: admin, groups: [\"0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11\"] } }\n"
                         "users:\n  - { email: bob@acme.io, name: Bob Stone, roles: [admin] }\n";
  std::map<std::string, std::string> env{{"OT", "ot"}};
  std::string source = dir.Write("source.yaml", manifest);
  RunResult exported = Idsync({"export", "-f", source, "--platform", "fw", "--state", dir.path() + "/s.db"}, env);
  INFO(exported.out, exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(Has(exported.out, "partial"));
  CHECK(Has(exported.out, "bob@acme.io"));
  CHECK_FALSE(Has(exported.out, "frank@acme.io"));
  CHECK(Has(exported.err, "cannot list its members"));
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
