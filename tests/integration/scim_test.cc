// The scim platform end to end: the real idsync binary against two SCIM providers,
// our idsync-sim and a third-party one (tests/scim-server: SCIMMY + scimmy-routers on
// Node.js). The same scenarios run against both, so the connector is held to someone
// else's reading of RFC 7643/7644 and not only to our own.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <httplib.h>

#include "tests/integration/harness.h"

extern char** environ;

namespace idsync::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A SCIM provider under test: its base URL, state and counters in one shape.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string Name() const = 0;
  virtual std::string Url() const = 0;
  virtual std::string Token() const = 0;
  // {users: [{userName, active, givenName, familyName, displayName, externalId,
  // groups: [displayName]}], groups: [...]}
  virtual json State() const = 0;
  virtual json Counters() const = 0;
};

// idsync-sim with a scim section built from `seed` ({groups, users}) and maxResults.
class SimProvider final : public Provider {
 public:
  SimProvider(const json& seed, int max_results)
      : sim_("scim:\n  credentials: { token: sim-token }\n  config: { maxResults: " + std::to_string(max_results) +
             " }\n  groups: " + seed.value("groups", json::array()).dump() +
             "\n  users: " + seed.value("users", json::array()).dump() + "\n") {}
  std::string Name() const override { return "idsync-sim"; }
  std::string Url() const override { return sim_.Url("/scim/v2"); }
  std::string Token() const override { return "sim-token"; }
  json State() const override { return sim_.State()["scim"]; }
  json Counters() const override { return sim_.Counters()["scim"]; }
  const Sim& sim() const { return sim_; }

 private:
  Sim sim_;
};

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir) / name;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// tests/scim-server/server.js under `node`, on 127.0.0.1 and a free port.
class ScimmyProvider final : public Provider {
 public:
  ScimmyProvider(const json& seed, int max_results) {
    const fs::path server = fs::path(IDSYNC_SOURCE_DIR) / "tests" / "scim-server";
    const std::string node = FindOnPath("node");
    if (node.empty()) FAIL("node is not on PATH: run scripts/install-deps (it installs Node.js for the scim tests)");
    if (!fs::exists(server / "node_modules" / "scimmy-routers"))
      FAIL("tests/scim-server/node_modules is missing: run scripts/install-deps (npm ci)");
    const std::string seed_file = dir_.Write("seed.json", seed.dump());
    const std::string port_file = dir_.path() + "/port";
    std::vector<std::string> args = {node, (server / "server.js").string(), "--port", "0", "--port-file", port_file,
                                     "--token", "scimmy-token", "--max-results", std::to_string(max_results),
                                     "--seed", seed_file};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const std::string log = dir_.path() + "/server.log";
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    int rc = posix_spawn(&pid_, node.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE_MESSAGE(rc == 0, "cannot start node");
    for (int i = 0; i < 1000 && port_ == 0; ++i) {
      std::string text = dir_.Read("port");
      if (!text.empty() && text.back() == '\n') port_ = std::stoi(text);
      int status = 0;
      if (port_ == 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("the scim test server exited at start: " << dir_.Read("server.log"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE_MESSAGE(port_ > 0, "the scim test server did not start within 10 s: " << dir_.Read("server.log"));
  }
  ~ScimmyProvider() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  std::string Name() const override { return "scimmy"; }
  std::string Url() const override { return "http://127.0.0.1:" + std::to_string(port_) + "/scim/v2"; }
  std::string Token() const override { return "scimmy-token"; }
  json State() const override { return Get("/_test/state"); }
  json Counters() const override { return Get("/_test/counters"); }

 private:
  json Get(const std::string& path) const {
    httplib::Client c("127.0.0.1", port_);
    auto res = c.Get(path.c_str());
    REQUIRE(res);
    return json::parse(res->body);
  }
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::unique_ptr<Provider> MakeProvider(const std::string& kind, const json& seed, int max_results = 200) {
  if (kind == "sim") return std::make_unique<SimProvider>(seed, max_results);
  return std::make_unique<ScimmyProvider>(seed, max_results);
}

const std::vector<std::string> kProviders = {"sim", "scimmy"};

struct Run {
  const Provider& provider;
  TempDir dir;

  void Manifest(const std::string& users, const std::string& platform_extra = "") {
    dir.Write("idsync.yaml", "version: 1\nplatforms:\n  app:\n    type: scim\n    url: " + provider.Url() +
                                 "\n    credentials:\n      token: { env: SCIM_TOKEN }\n" + platform_extra +
                                 "roles:\n"
                                 "  eng: { app: { groups: [Engineering] } }\n"
                                 "  ops: { app: { groups: [ops] } }\n"
                                 "  member: { app: {} }\n"
                                 "users:\n" + users);
  }
  RunResult Idsync(const std::string& command, const std::string& token = "") {
    return testing::Idsync({command, "-f", dir.path() + "/idsync.yaml", "--state", dir.path() + "/state.db"},
                           {{"SCIM_TOKEN", token.empty() ? provider.Token() : token}});
  }
  json User(const std::string& user_name) const {
    const json state = provider.State();
    for (const json& u : state["users"])
      if (u["userName"] == user_name) return u;
    return nullptr;
  }
  int Mutations() const { return provider.Counters()["mutations"].get<int>(); }
};

bool Has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

const json kSeed = json::parse(R"({
  "groups": [{"displayName": "Engineering"}, {"displayName": "Ops"}, {"displayName": "Sales"}],
  "users": [
    {"userName": "bob@acme.io", "displayName": "Bob Builder", "groups": ["Engineering", "Sales"]},
    {"userName": "olga@acme.io", "displayName": "Olga Old", "active": false},
    {"userName": "rita@acme.io", "displayName": "Rita Retire", "groups": ["Engineering"]},
    {"userName": "remy@acme.io", "displayName": "Remy Remove", "groups": ["Ops"]},
    {"userName": "zed@acme.io", "displayName": "Zed Unmanaged", "groups": ["Ops", "Sales"]}
  ]})");

}  // namespace

TEST_CASE("create, adopt, reactivate, retire, regroup and remove converge; a second apply sends nothing") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    auto provider = MakeProvider(kind, kSeed, /*max_results=*/2);  // five users: three pages
    Run run{*provider, {}};
    run.Manifest("  - { email: Alice@Acme.io, name: Alice Liddell, external_id: E1, roles: [eng, ops] }\n"
                 "  - { email: bob@acme.io, name: Bob Builder, roles: [eng] }\n"
                 "  - { email: olga@acme.io, name: Olga Old, roles: [member] }\n"
                 "  - { email: rita@acme.io, name: Rita Retire, roles: [eng], suspended: true }\n"
                 "  - { email: remy@acme.io, name: Remy Remove, roles: [member] }\n",
                 "    offboarding: remove\n");
    RunResult first = run.Idsync("apply");
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    json alice = run.User("alice@acme.io");
    REQUIRE(alice.is_object());
    CHECK(alice["active"] == true);
    CHECK(alice["givenName"] == "Alice");
    CHECK(alice["familyName"] == "Liddell");
    CHECK(alice["displayName"] == "Alice Liddell");
    CHECK(alice["externalId"] == "E1");
    CHECK(alice["groups"] == json{"Engineering", "Ops"});
    CHECK(run.User("bob@acme.io")["groups"] == json{"Engineering", "Sales"});  // Sales is not idsync's
    CHECK(run.User("olga@acme.io")["active"] == true);
    CHECK(run.User("rita@acme.io")["active"] == false);
    CHECK(run.User("rita@acme.io")["groups"] == json{"Engineering"});  // retiring keeps memberships
    CHECK(run.User("remy@acme.io")["groups"] == json::array());  // Ops is managed (role ops): revoked
    CHECK(run.User("zed@acme.io")["groups"] == json{"Ops", "Sales"});

    // Alice leaves Engineering; Remy leaves the manifest (offboarding: remove).
    run.Manifest("  - { email: alice@acme.io, name: Alice Liddell, external_id: E1, roles: [ops] }\n"
                 "  - { email: bob@acme.io, name: Bob Builder, roles: [eng] }\n"
                 "  - { email: olga@acme.io, name: Olga Old, roles: [member] }\n"
                 "  - { email: rita@acme.io, name: Rita Retire, roles: [eng], suspended: true }\n",
                 "    offboarding: remove\n");
    RunResult second = run.Idsync("apply");
    INFO(second.out << second.err);
    REQUIRE(second.exit_code == 0);
    CHECK(run.User("alice@acme.io")["groups"] == json{"Ops"});
    CHECK(run.User("remy@acme.io").is_null());
    CHECK(run.User("zed@acme.io")["groups"] == json{"Ops", "Sales"});

    const int before = run.Mutations();
    RunResult third = run.Idsync("apply");
    INFO(third.out << third.err);
    CHECK(third.exit_code == 0);
    CHECK(run.Mutations() == before);
    CHECK(provider->Counters()["getServiceProviderConfig"].get<int>() == 3);  // once per run
  }
}

TEST_CASE("a user the provider already holds but does not list is adopted after a 409") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    json seed = kSeed;
    seed["users"].push_back({{"userName", "hid@acme.io"}, {"hidden", true}});
    auto provider = MakeProvider(kind, seed);
    Run run{*provider, {}};
    run.Manifest("  - { email: HID@acme.io, roles: [eng] }\n");
    RunResult r = run.Idsync("apply");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(run.User("hid@acme.io")["groups"] == json{"Engineering"});
    json counters = provider->Counters();
    CHECK(counters["createUser"] == 1);
    CHECK(counters["findUser"] == 1);
    CHECK(provider->State()["users"].size() == seed["users"].size());  // no second account
  }
}

TEST_CASE("a wrong token fails the platform with a clear error and changes nothing") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    auto provider = MakeProvider(kind, kSeed);
    Run run{*provider, {}};
    run.Manifest("  - { email: new@acme.io, roles: [eng] }\n");
    RunResult r = run.Idsync("apply", "not-the-token");
    CHECK(r.exit_code != 0);
    CHECK(Has(r.out + r.err, "scim app"));
    CHECK(Has(r.out + r.err, "401"));
    CHECK_FALSE(Has(r.out + r.err, "not-the-token"));
    CHECK(provider->Counters()["mutations"] == 0);
  }
}

TEST_CASE("an unknown group name is a plan-time error naming it, and nothing is sent") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    auto provider = MakeProvider(kind, kSeed);
    Run run{*provider, {}};
    run.dir.Write("idsync.yaml", "version: 1\nplatforms:\n  app:\n    type: scim\n    url: " + provider->Url() +
                                     "\n    credentials:\n      token: { env: SCIM_TOKEN }\n"
                                     "roles:\n  x: { app: { groups: [Marketing] } }\n"
                                     "users:\n  - { email: new@acme.io, roles: [x] }\n");
    RunResult r = run.Idsync("apply");
    CHECK(r.exit_code != 0);
    CHECK(Has(r.out + r.err, "no group named \"Marketing\""));
    CHECK(provider->Counters()["mutations"] == 0);
  }
}

TEST_CASE("drift in the simulator is reverted and the removal guard holds a mass removal") {
  json seed = kSeed;
  for (int i = 0; i < 8; ++i) seed["users"].push_back({{"userName", "p" + std::to_string(i) + "@acme.io"}});
  SimProvider provider(seed, 200);
  Run run{provider, {}};
  std::string everyone = "  - { email: bob@acme.io, roles: [eng] }\n";
  for (int i = 0; i < 8; ++i) everyone += "  - { email: p" + std::to_string(i) + "@acme.io, roles: [member] }\n";
  run.Manifest(everyone, "    offboarding: remove\n");
  REQUIRE(run.Idsync("apply").exit_code == 0);

  provider.sim().Post("/_sim/scim/drift", {{"userName", "bob@acme.io"}, {"active", false}, {"groups", json::array()}});
  RunResult fixed = run.Idsync("apply");
  INFO(fixed.out << fixed.err);
  REQUIRE(fixed.exit_code == 0);
  CHECK(run.User("bob@acme.io")["active"] == true);
  CHECK(run.User("bob@acme.io")["groups"] == json{"Engineering"});

  run.Manifest("  - { email: bob@acme.io, roles: [eng] }\n", "    offboarding: remove\n");
  RunResult held = run.Idsync("apply");
  INFO(held.out << held.err);
  CHECK(Has(held.out + held.err, "max_removals"));
  CHECK(run.User("p0@acme.io").is_object());
  CHECK(provider.Counters()["deleteUser"] == 0);
}

TEST_CASE("a scim export applied unchanged adopts everyone and changes nothing, groups included") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    auto provider = MakeProvider(kind, kSeed, /*max_results=*/2);
    Run run{*provider, {}};
    const std::string source = run.dir.Write(
        "source.yaml", "version: 1\nplatforms:\n  app:\n    type: scim\n    url: " + provider->Url() +
                           "\n    credentials:\n      token: { env: SCIM_TOKEN }\n");
    const std::map<std::string, std::string> env{{"SCIM_TOKEN", provider->Token()}};
    RunResult exported = testing::Idsync(
        {"export", "-f", source, "--platform", "app", "--state", run.dir.path() + "/export.db"}, env);
    INFO(exported.out << exported.err);
    REQUIRE(exported.exit_code == 0);
    // Every membership is exported, also of groups no manifest bound yet.
    CHECK(Has(exported.out, "\"Sales\""));
    CHECK(Has(exported.out, "\"Ops\""));
    CHECK(Has(exported.out, "\"Engineering\""));
    const std::string path = run.dir.Write("exported.yaml", exported.out);
    const std::string state = run.dir.path() + "/adopt.db";
    RunResult json_plan = testing::Idsync({"plan", "-f", path, "--state", state, "--format", "json"}, env);
    REQUIRE(json_plan.exit_code == 0);
    const json plan = json::parse(json_plan.out);
    // olga is inactive: exported as a comment, so she stays unmanaged; the rest are adopted.
    CHECK(Has(exported.out, "# retired: olga@acme.io"));
    REQUIRE(plan["platforms"][0]["actions"].size() == kSeed["users"].size() - 1);
    for (const json& a : plan["platforms"][0]["actions"]) CHECK(a["action"] == "adopt");
    const int before = run.Mutations();
    RunResult apply = testing::Idsync({"apply", "-f", path, "--state", state}, env);
    INFO(apply.out << apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(run.Mutations() == before);
    RunResult again = testing::Idsync({"plan", "-f", path, "--state", state, "--detailed-exitcode"}, env);
    CHECK(again.exit_code == 0);
  }
}



TEST_CASE("a changed external id or given name is patched, and then nothing more") {
  for (const std::string& kind : kProviders) {
    CAPTURE(kind);
    auto provider = MakeProvider(kind, kSeed);
    Run run{*provider, {}};
    run.Manifest("  - { email: alice@acme.io, name: Alice Liddell, external_id: E1, roles: [eng] }\n");
    RunResult first = run.Idsync("apply");
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    run.Manifest("  - { email: alice@acme.io, name: Alice Liddell, given_name: Alicia, external_id: E2, "
                 "roles: [eng] }\n");
    RunResult plan = run.Idsync("plan");
    INFO(plan.out << plan.err);
    CHECK(Has(plan.out, "external id differs: E1"));
    CHECK(Has(plan.out, "given name differs: Alice"));
    RunResult second = run.Idsync("apply");
    INFO(second.out << second.err);
    REQUIRE(second.exit_code == 0);
    const json alice = run.User("alice@acme.io");
    CHECK(alice["externalId"] == "E2");
    CHECK(alice["givenName"] == "Alicia");
    const int mutations = run.Mutations();
    RunResult third = run.Idsync("apply");
    REQUIRE(third.exit_code == 0);
    CHECK(run.Mutations() == mutations);
  }
}

}  // namespace idsync::testing
