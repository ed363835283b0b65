// `plan --baseline` (SPEC §4, issue 14 item 4): a pull request's plan, made without the
// production state, shows who loses access. The real idsync binary against the real
// idsync-sim (workspace and scim); each case starts its own simulator and state DB.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/platform_fixture.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

const char* kSeed = R"(
workspace:
  credentials: { api_key: sim-key, api_secret: sim-secret }
  users:
    - { email: eve@acme.io, name: Eve Unmanaged, accountType: DEVELOPER }
    - { email: bob@acme.io, name: Bob Builder, accountType: DEVELOPER }
    - { email: amy@acme.io, name: Amy Analyst, accountType: ANALYST }
    - { email: u1@acme.io, accountType: DEVELOPER }
    - { email: u2@acme.io, accountType: DEVELOPER }
    - { email: u3@acme.io, accountType: DEVELOPER }
    - { email: u4@acme.io, accountType: DEVELOPER }
    - { email: u5@acme.io, accountType: DEVELOPER }
scim:
  credentials: { token: sim-token }
  groups: [{ displayName: Engineering }, { displayName: Ops }]
  users:
    - { userName: bob@acme.io, displayName: Bob Builder, groups: [Engineering] }
    - { userName: rita@acme.io, displayName: Rita Retire, groups: [Ops] }
    - { userName: zed@acme.io, displayName: Zed Unmanaged, groups: [Ops] }
)";

// The platform blocks and roles both manifests share (a PR changes users only).
std::string Head(const Sim& sim, const std::string& scim_extra = "") {
  return WsHead(sim) +
         "  app:\n"
         "    type: scim\n"
         "    url: " + sim.Url("/scim/v2") + "\n"
         "    credentials:\n"
         "      token: { env: SCIM_TOKEN }\n" + scim_extra +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  analyst: { ws: ANALYST }\n"
         "  eng: { app: { groups: [Engineering] } }\n"
         "  ops: { app: { groups: [Ops] } }\n";
}

struct Fixture {
  Sim sim{kSeed};
  TempDir dir;
  std::map<std::string, std::string> env{
      {"WS_KEY", "sim-key"}, {"WS_SECRET", "sim-secret"}, {"SCIM_TOKEN", "sim-token"}};

  // base/idsync.yaml is the base branch's manifest, head/idsync.yaml the PR's.
  void Base(const std::string& text) { Put("base", text); }
  void Pr(const std::string& text) { Put("head", text); }
  void Put(const std::string& sub, const std::string& text) {
    std::filesystem::create_directories(dir.path() + "/" + sub);
    dir.Write(sub + "/idsync.yaml", text);
  }
  std::string State() const { return dir.path() + "/state.db"; }
  RunResult Run(const std::string& command, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {command, "-f", dir.path() + "/head", "--state", State()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Idsync(args, env);
  }
  // The JSON plan with --baseline base/ and --detailed-exitcode; `code` gets the exit.
  json PlanWithBaseline(int& code, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--format", "json", "--detailed-exitcode", "--baseline",
                                     dir.path() + "/base"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Run("plan", args);
    INFO(r.err);
    code = r.exit_code;
    REQUIRE((code == 0 || code == 2 || code == 3));
    return json::parse(r.out);
  }
  int Mutations() {
    json c = sim.Counters();
    return c["workspace"].value("mutations", 0) + c["scim"].value("mutations", 0);
  }
};

// "verb email" of every action of platform `name`, with its disposition when not apply.
std::vector<std::string> Actions(const json& plan, const std::string& name) {
  std::vector<std::string> out;
  for (const json& p : plan["platforms"]) {
    if (p["platform"] != name) continue;
    for (const json& a : p["actions"]) {
      std::string line = a["action"].get<std::string>() + " " + a["email"].get<std::string>();
      if (a["disposition"] != "apply") line += " (" + a["disposition"].get<std::string>() + ")";
      out.push_back(line);
    }
  }
  return out;
}

json Platform(const json& plan, const std::string& name) {
  for (const json& p : plan["platforms"])
    if (p["platform"] == name) return p;
  return nullptr;
}

const std::string kBaseUsers =
    "users:\n"
    "  - { email: amy@acme.io, roles: [analyst] }\n"
    "  - { email: bob@acme.io, roles: [engineer, eng] }\n"
    "  - { email: rita@acme.io, roles: [ops] }\n";

}  // namespace

TEST_CASE("a pull request that deletes a user plans their offboarding on workspace and scim") {
  Fixture f;
  f.Base(Head(f.sim) + kBaseUsers);
  f.Pr(Head(f.sim) + "users:\n  - { email: amy@acme.io, roles: [analyst] }\n"
                     "  - { email: rita@acme.io, roles: [ops] }\n");

  // Without the baseline, the documented CI plan (a new, empty state) sees no change.
  RunResult blind = f.Run("plan", {"--format", "json", "--detailed-exitcode"});
  INFO(blind.err);
  CHECK(blind.exit_code == 0);

  int code = -1;
  json plan = f.PlanWithBaseline(code);
  CHECK(code == 2);
  CHECK(Actions(plan, "ws") == std::vector<std::string>{"retire bob@acme.io"});
  CHECK(Actions(plan, "app") == std::vector<std::string>{"retire bob@acme.io"});
  const std::string reason = Platform(plan, "ws")["actions"][0]["reason"];
  CHECK(reason.find("managed per --baseline") != std::string::npos);
  // Users still desired count as managed (no adopt), eve (in no manifest) stays unmanaged.
  CHECK(Platform(plan, "ws")["counts"]["managed"] == 2);
  CHECK(f.Mutations() == 0);
}

TEST_CASE("scim's offboarding: remove plans a remove for the user the pull request deletes") {
  Fixture f;
  f.Base(Head(f.sim, "    offboarding: remove\n") + kBaseUsers);
  f.Pr(Head(f.sim, "    offboarding: remove\n") + "users:\n  - { email: bob@acme.io, roles: [engineer, eng] }\n"
                                                    "  - { email: amy@acme.io, roles: [analyst] }\n");
  int code = -1;
  json plan = f.PlanWithBaseline(code);
  CHECK(code == 2);
  CHECK(Actions(plan, "app") == std::vector<std::string>{"remove rita@acme.io"});
  CHECK(Actions(plan, "ws").empty());
}

TEST_CASE("the mass-removal guard applies to baseline users and plan exits 3") {
  Fixture f;
  std::string everyone = kBaseUsers;
  for (int i = 1; i <= 5; ++i) everyone += "  - { email: u" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  f.Base(Head(f.sim) + everyone);
  f.Pr(Head(f.sim) + "users:\n  - { email: amy@acme.io, roles: [analyst] }\n");  // 6 leave ws
  int code = -1;
  json plan = f.PlanWithBaseline(code);
  CHECK(code == 3);
  json ws = Platform(plan, "ws");
  CHECK(ws["blocked"] == true);
  CHECK(ws["counts"]["held"] == 6);
  // A manifest that lists nobody is held whatever max_removals says.
  f.Pr(Head(f.sim) + "users: []\n");
  plan = f.PlanWithBaseline(code);
  CHECK(code == 3);
  CHECK(Platform(plan, "app")["blocked"] == true);
}

TEST_CASE("with a state DB, the accounts it manages and the baseline's are united") {
  Fixture f;
  // The state DB manages carl (applied from an earlier manifest); bob is only in the base.
  f.Pr(Head(f.sim) + "users:\n  - { email: carl@acme.io, roles: [engineer] }\n");
  RunResult applied = f.Run("apply", {});
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);
  f.sim.Post("/_sim/workspace/accept", {{"email", "carl@acme.io"}});
  f.Base(Head(f.sim) + "users:\n  - { email: bob@acme.io, roles: [engineer] }\n");
  f.Pr(Head(f.sim) + "users:\n  - { email: amy@acme.io, roles: [analyst] }\n");
  int code = -1;
  json plan = f.PlanWithBaseline(code);
  CHECK(code == 2);
  CHECK(Actions(plan, "ws") ==
        std::vector<std::string>{"adopt amy@acme.io", "retire bob@acme.io", "retire carl@acme.io"});
  json ws = Platform(plan, "ws");
  CHECK(ws["actions"][1]["reason"].get<std::string>().find("--baseline") != std::string::npos);
  CHECK(ws["actions"][2]["reason"].get<std::string>().find("--baseline") == std::string::npos);
}

TEST_CASE("a baseline may be several files and directories, like -f") {
  Fixture f;
  f.Put("base/platforms", Head(f.sim));
  f.Put("extra", "version: 1\nusers:\n  - { email: bob@acme.io, roles: [engineer] }\n");
  f.Pr(Head(f.sim) + "users: []\n");
  RunResult r;
  r = f.Run("plan", {"--detailed-exitcode", "--baseline", f.dir.path() + "/base", "--baseline",
                     f.dir.path() + "/extra/idsync.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);  // nobody listed while the baseline binds bob: held
  CHECK(r.out.find("bob@acme.io") != std::string::npos);
}

TEST_CASE("an invalid baseline is an error naming file, line and column; nothing is planned") {
  Fixture f;
  f.Pr(Head(f.sim) + kBaseUsers);
  f.Base(Head(f.sim) + "users:\n  - { email: bob@acme.io, roles: [no_such_role] }\n");
  RunResult r = f.Run("plan", {"--baseline", f.dir.path() + "/base"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("baseline: " + f.dir.path() + "/base/idsync.yaml:") != std::string::npos);
  CHECK(r.err.find("no_such_role") != std::string::npos);
  CHECK(f.sim.Counters()["workspace"].value("requests", 0) == 0);
}

}  // namespace idsync::testing
