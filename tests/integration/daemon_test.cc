// `idsync run` end to end: the real binary, its real listener on a loopback port, and
// the real idsync-sim. The manifest lives in git-sync's layout (a `current` symlink
// swapped by rename(2)) so edits arrive exactly as they do in the sidecar.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "tests/integration/daemon_process.h"
#include "tests/integration/platform_fixture.h"
#include "tests/support/notify_socket.h"

namespace idsync::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const std::string kSeed =
    WsSeed(std::string(kBobBuilder) + "    - { email: eve@acme.io, name: Eve Unmanaged, accountType: ANALYST }\n");

std::string Manifest(const Sim& sim, const std::string& users) {
  return WsHead(sim) +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  analyst: { ws: ANALYST }\n"
         "users:\n" + users;
}

const char* kAliceAndBob =
    "  - { email: alice@acme.io, roles: [engineer] }\n"
    "  - { email: bob@acme.io, roles: [engineer] }\n";

struct Fixture {
  Sim sim{kSeed};
  TempDir dir;
  std::map<std::string, std::string> env = kWsEnv;
  int worktrees = 0;

  // git-sync: a new worktree holding the manifest, then a new link renamed over `current`.
  void Sync(const std::string& manifest) {
    std::string tree = ".worktrees/" + std::to_string(++worktrees);
    dir.Write(tree + "/manifests/idsync.yaml", manifest);
    fs::path tmp = fs::path(dir.path()) / "current.tmp";
    fs::create_directory_symlink(tree, tmp);
    REQUIRE(std::rename(tmp.c_str(), (fs::path(dir.path()) / "current").c_str()) == 0);
  }
  std::string ManifestPath() const { return dir.path() + "/current/manifests"; }
  std::vector<std::string> RunArgs(const std::string& interval = "1h") const {
    return {"-f", ManifestPath(), "--state", dir.path() + "/state.db", "--interval", interval};
  }

  nlohmann::json Workspace() { return sim.State()["workspace"]; }
  bool Invited(const std::string& email) {
    nlohmann::json ws = Workspace();
    for (const auto& i : ws["invitations"])
      if (i["email"] == email) return true;
    return false;
  }
  bool Disabled(const std::string& email) {
    nlohmann::json ws = Workspace();
    for (const auto& u : ws["disabled"])
      if (u["email"] == email) return true;
    return false;
  }
  std::string AccountType(const std::string& email) {
    nlohmann::json ws = Workspace();
    for (const auto& u : ws["users"])
      if (u["email"] == email) return u["accountType"];
    return "";
  }
  int Counter(const std::string& name) { return sim.Counters()["workspace"].value(name, 0); }
};

// Waits for the first reconcile of `ws` to be reported.
bool FirstReconcileDone(const DaemonProcess& d) {
  return Eventually([&] {
    nlohmann::json p = d.PlatformStatus("ws");
    return !p.is_null() && !p["last_run"].is_null();
  });
}

}  // namespace

TEST_CASE("run reconciles at start, becomes ready, and reports status and metrics") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(FirstReconcileDone(d));
  INFO(d.Stderr());
  CHECK(f.Invited("alice@acme.io"));
  CHECK(f.Counter("inviteUser") == 1);

  auto health = d.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto ready = d.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);

  nlohmann::json status = d.Status();
  CHECK(status["manifest"]["valid"] == true);
  CHECK(status["manifest"]["errors"].empty());
  nlohmann::json ws = d.PlatformStatus("ws");
  CHECK(ws["last_result"] == "changes");
  CHECK(ws["type"] == "workspace");
  CHECK(ws["counts"]["succeeded"] == 2);  // invite alice, adopt bob
  CHECK(ws["counts"]["managed"] == 2);
  CHECK(ws["counts"]["unmanaged"] == 0);  // eve is left alone, not reported (unmanaged: ignore)
  CHECK(ws["last_error"].is_null());
  REQUIRE(ws["next_run"].is_number());
  CHECK(ws["next_run"].get<int64_t>() > ws["last_run"].get<int64_t>() + 3000);  // ~1 h ± 10%

  auto metrics = d.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("# TYPE idsync_reconcile_duration_seconds histogram") != std::string::npos);
  CHECK(metrics->body.find(R"(idsync_reconcile_total{platform="ws",result="changes"} 1)") != std::string::npos);
  CHECK(metrics->body.find(R"(idsync_actions_total{action="invite",platform="ws",result="succeeded"} 1)") !=
        std::string::npos);
  CHECK(metrics->body.find("idsync_manifest_valid 1") != std::string::npos);
  CHECK(metrics->body.find(R"(idsync_api_requests_total{code="200",platform="ws"})") != std::string::npos);
  CHECK(d.Stderr().find("sim-secret") == std::string::npos);
}

TEST_CASE("a user revoked by a git-sync swap is retired within seconds") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(FirstReconcileDone(d));
  REQUIRE_FALSE(f.Disabled("bob@acme.io"));

  auto revoked = std::chrono::steady_clock::now();
  f.Sync(Manifest(f.sim, "  - { email: alice@acme.io, roles: [engineer] }\n"));
  bool retired = Eventually([&] { return f.Disabled("bob@acme.io"); });
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - revoked);
  INFO(d.Stderr());
  CHECK(retired);
  CHECK(took < milliseconds(8'000));  // SPEC's median target is 1.5 s; generous on shared CI
  CHECK(f.Counter("disableUser") == 1);
  CHECK(f.Counter("inviteUser") == 1);
}

TEST_CASE("SIGHUP and POST /v1/reconcile each put back a change made behind idsync's back") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(FirstReconcileDone(d));
  INFO(d.Stderr());

  f.sim.Post("/_sim/workspace/drift", {{"email", "bob@acme.io"}, {"accountType", "ADMIN"}});
  REQUIRE(f.AccountType("bob@acme.io") == "ADMIN");
  d.Signal(SIGHUP);
  CHECK(Eventually([&] { return f.AccountType("bob@acme.io") == "DEVELOPER"; }));

  f.sim.Post("/_sim/workspace/drift", {{"email", "bob@acme.io"}, {"accountType", "ADMIN"}});
  auto res = d.Post("/v1/reconcile");
  REQUIRE(res);
  CHECK(res->status == 202);
  CHECK(Eventually([&] { return f.AccountType("bob@acme.io") == "DEVELOPER"; }));
  CHECK(Eventually([&] {
    auto m = d.Get("/metrics");
    return m && m->body.find(R"(idsync_drift_total{platform="ws"} 2)") != std::string::npos;
  }));
}

TEST_CASE("a broken manifest is reported and the last valid one stays in force") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(FirstReconcileDone(d));
  INFO(d.Stderr());

  // Drops bob (a retire, were it valid) and misspells a key at line 13, column 29.
  f.Sync(Manifest(f.sim, "  - { email: alice@acme.io, rolez: [engineer] }\n"));
  std::string file = f.dir.path() + "/current/manifests/idsync.yaml";
  REQUIRE(Eventually([&] { return d.Status()["manifest"]["valid"] == false; }));
  nlohmann::json errors = d.Status()["manifest"]["errors"];
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].get<std::string>().starts_with(file + ":13:29: "));
  CHECK(d.Stderr().find(file + ":13:29: ") != std::string::npos);
  auto metrics = d.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("idsync_manifest_valid 0") != std::string::npos);
  auto ready = d.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);  // still serving the last valid manifest

  // A reconcile now uses the last valid manifest: bob stays, drift is put back.
  f.sim.Post("/_sim/workspace/drift", {{"email", "bob@acme.io"}, {"accountType", "ANALYST"}});
  d.Signal(SIGHUP);
  CHECK(Eventually([&] { return f.AccountType("bob@acme.io") == "DEVELOPER"; }));
  CHECK_FALSE(f.Disabled("bob@acme.io"));
  CHECK(f.Counter("disableUser") == 0);

  f.Sync(Manifest(f.sim, kAliceAndBob));
  CHECK(Eventually([&] { return d.Status()["manifest"]["valid"] == true; }));
}

TEST_CASE("a manifest invalid at start keeps the daemon unready until it validates") {
  Fixture f;
  f.Sync("version: 1\nplatforms: [\n");
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  auto before = d.Get("/readyz");
  REQUIRE(before);
  CHECK(before->status == 503);
  CHECK(d.Status()["manifest"]["errors"][0].get<std::string>().find("YAML syntax error") != std::string::npos);
  CHECK(f.Counter("requests") == 0);

  f.Sync(Manifest(f.sim, kAliceAndBob));
  CHECK(Eventually([&] {
    auto r = d.Get("/readyz");
    return r && r->status == 200;
  }));
  CHECK(Eventually([&] { return f.Invited("alice@acme.io"); }));
}

TEST_CASE("SIGTERM stops the daemon with exit 0 after READY, STATUS and STOPPING notifications") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  NotifySocket sock(f.dir.path() + "/notify.sock");
  auto env = f.env;
  env["NOTIFY_SOCKET"] = sock.path();
  env["WATCHDOG_USEC"] = "400000";  // pings every 200 ms

  DaemonProcess d(f.dir, f.RunArgs(), env);
  REQUIRE(FirstReconcileDone(d));
  std::vector<std::string> messages;
  // Reads one datagram within `wait_ms`; false when none came.
  auto receive = [&](int wait_ms) {
    std::string m = sock.Next(milliseconds(wait_ms));
    if (m.empty()) return false;
    messages.push_back(m);
    return true;
  };
  // Wait for the first watchdog ping (every 200 ms) before stopping.
  auto pinged = [&] {
    for (const auto& m : messages)
      if (m.starts_with("WATCHDOG=1")) return true;
    return false;
  };
  for (int i = 0; i < 50 && !pinged(); ++i) receive(200);
  REQUIRE(pinged());
  d.Signal(SIGTERM);
  auto code = d.Wait();
  INFO(d.Stderr());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  while (receive(0)) {  // the process has exited: every datagram is already queued
  }
  auto index = [&](const std::string& prefix) {
    for (std::size_t i = 0; i < messages.size(); ++i)
      if (messages[i].starts_with(prefix)) return static_cast<int>(i);
    return -1;
  };
  CAPTURE(messages);
  CHECK(index("READY=1") >= 0);
  CHECK(index("STATUS=ws: changes") >= 0);
  CHECK(index("WATCHDOG=1") >= 0);
  CHECK(index("STOPPING=1") > index("READY=1"));
  CHECK(messages.back() == "STOPPING=1");
}

// A workspace with no users that takes `delay` to answer each request, so a reconcile
// is in flight when the test signals the daemon. Counts requests.
class SlowPlatform {
 public:
  explicit SlowPlatform(milliseconds delay) {
    server_.Post(".*", [this, delay](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        ++requests;
      }
      arrived_.notify_all();
      std::this_thread::sleep_for(delay);  // the platform is slow: the request stays in flight
      bool invite = req.body.find("inviteUser") != std::string::npos;
      if (invite) ++invites;
      res.set_content(invite ? R"({"data":{"inviteUser":{"ok":true}}})"
                             : R"({"data":{"listUsers":{"ok":true,"activeUsers":[],"invitedUsers":[]}}})",
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~SlowPlatform() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/workspace/graphql"; }
  // Waits until `n` requests have arrived (each is then in flight for `delay`).
  bool AwaitRequests(int n, milliseconds limit = milliseconds(10'000)) {
    std::unique_lock lock(mu_);
    return arrived_.wait_for(lock, limit, [&] { return requests >= n; });
  }
  std::atomic<int> requests{0}, invites{0};

 private:
  std::mutex mu_;
  std::condition_variable arrived_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// The daemon logged that it is stopping (it has taken the signal).
bool StopBegan(DaemonProcess& d) {
  return Eventually([&] { return d.Stderr().find(": stopping; no new actions start") != std::string::npos; });
}

std::string SlowManifest(const SlowPlatform& slow) {
  return WsHead(slow.Url(), WsCredentials::kInline, "    timeout: 20s\n") +
         "roles: { engineer: { ws: DEVELOPER } }\n"
         "users: [ { email: alice@acme.io, roles: [engineer] } ]\n";
}

TEST_CASE("SIGTERM lets the request in flight finish, starts no action, and exits 0") {
  Fixture f;
  SlowPlatform slow(milliseconds(1'500));
  f.Sync(SlowManifest(slow));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(slow.AwaitRequests(1));  // the first list request is in flight
  d.Signal(SIGTERM);
  REQUIRE(StopBegan(d));
  CHECK(d.Running());
  auto code = d.Wait(milliseconds(15'000));
  INFO(d.Stderr());
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(slow.requests == 1);  // the listing finished; the invite it planned never started
  CHECK(slow.invites == 0);
}

TEST_CASE("a second signal during shutdown exits at once with 1") {
  Fixture f;
  SlowPlatform slow(milliseconds(8'000));
  f.Sync(SlowManifest(slow));
  DaemonProcess d(f.dir, f.RunArgs(), f.env);
  REQUIRE(slow.AwaitRequests(1));
  d.Signal(SIGTERM);
  REQUIRE(StopBegan(d));
  CHECK(d.Running());  // waiting for the in-flight request
  d.Signal(SIGINT);
  auto code = d.Wait(milliseconds(3'000));
  INFO(d.Stderr());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
}

TEST_CASE("a listener off loopback refuses to start without IDSYNC_API_TOKEN") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  std::vector<std::string> args = {"run"};
  for (const auto& a : f.RunArgs()) args.push_back(a);
  args.insert(args.end(), {"--listen", "0.0.0.0:0"});
  RunResult r = Idsync(args, f.env);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("IDSYNC_API_TOKEN") != std::string::npos);
  CHECK(f.Counter("requests") == 0);
}

TEST_CASE("off loopback, POST /v1/reconcile needs the bearer token") {
  Fixture f;
  f.Sync(Manifest(f.sim, kAliceAndBob));
  auto env = f.env;
  env["IDSYNC_API_TOKEN"] = "tok-123";
  DaemonProcess d(f.dir, f.RunArgs(), env, "0.0.0.0:0");
  REQUIRE(FirstReconcileDone(d));
  auto missing = d.Post("/v1/reconcile");
  REQUIRE(missing);
  CHECK(missing->status == 401);
  auto wrong = d.Post("/v1/reconcile", {{"Authorization", "Bearer nope"}});
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto right = d.Post("/v1/reconcile", {{"Authorization", "Bearer tok-123"}});
  REQUIRE(right);
  CHECK(right->status == 202);
  CHECK(d.Stderr().find("tok-123") == std::string::npos);
}

}  // namespace idsync::testing
