// The daemon's own health (issue 15): the systemd watchdog follows worker progress.
// The real `idsync run` against the real idsync-sim, talked to over real sockets.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>

#include <cstring>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "tests/integration/daemon_process.h"
#include "tests/integration/platform_fixture.h"
#include "tests/support/notify_socket.h"

namespace idsync::testing {
namespace {

using std::chrono::milliseconds;

const std::string kSeed = WsSeed("    - { email: bob@acme.io, accountType: DEVELOPER }\n");

std::string Manifest(const Sim& sim, const std::string& extra = "") {
  return WsHead(sim, WsCredentials::kInline, "    timeout: 60s\n") + extra +
         "roles: { engineer: { ws: DEVELOPER } }\n"
         "users: [ { email: bob@acme.io, roles: [engineer] } ]\n";
}

}  // namespace

TEST_CASE("the watchdog stops pinging while a listing hangs past the bound, and resumes after") {
  Sim sim(kSeed);
  TempDir dir;
  NotifySocket notify(dir.path() + "/notify.sock");
  std::map<std::string, std::string> env = kWsEnv;
  env["NOTIFY_SOCKET"] = notify.path();
  env["WATCHDOG_USEC"] = "200000";
  // Every request hangs 4 s before the simulator closes it unanswered.
  sim.Post("/_sim/faults", {{"workspace", {{"timeout_rate", 1.0}, {"hang_ms", 4000}}}});
  dir.Write("idsync.yaml", Manifest(sim));
  DaemonProcess d(dir, {"-f", dir.path() + "/idsync.yaml", "--state", dir.path() + "/state.db",
                        "--interval", "1h", "--stuck-after", "1s"},
                  env);

  // Pings flow while the reconcile is young, then stop once it is stuck.
  std::vector<std::string> seen;
  REQUIRE_MESSAGE(notify.WaitFor("WATCHDOG=1", milliseconds(10'000), &seen), d.Stderr());
  REQUIRE_MESSAGE(notify.WaitFor("STATUS=stuck: ws", milliseconds(10'000), &seen), d.Stderr());
  // While it stays stuck, no ping at all (the hang lasts seconds; pings were every 100 ms).
  std::vector<std::string> while_stuck;
  sim.Post("/_sim/faults", {{"workspace", nullptr}});
  bool status_after = notify.WaitFor("STATUS=ws:", milliseconds(30'000), &while_stuck);
  INFO(d.Stderr());
  REQUIRE(status_after);  // the hung request ended, the retry got through: reconciled
  for (const auto& m : while_stuck) CHECK(m != "WATCHDOG=1");
  CHECK(notify.WaitFor("WATCHDOG=1", milliseconds(10'000)));  // progress again: pings resume
  d.Signal(SIGTERM);
  CHECK(d.Wait().value_or(-1) == 0);
}

namespace {

std::string TwoPlatforms(const Sim& a, const Sim& b, bool with_second) {
  auto block = [](const std::string& name, const Sim& sim) {
    return "  " + name + ":\n"
           "    type: workspace\n"
           "    url: " + sim.Url("/workspace/graphql") + "\n"
           "    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }\n";
  };
  std::string roles = with_second ? "roles: { engineer: { ws: DEVELOPER, ws2: DEVELOPER } }\n"
                                  : "roles: { engineer: { ws: DEVELOPER } }\n";
  return "version: 1\nplatforms:\n" + block("ws", a) + (with_second ? block("ws2", b) : "") + roles +
         "users: [ { email: bob@acme.io, roles: [engineer] } ]\n";
}

int ReconcilesOf(const DaemonProcess& d, const std::string& platform) {
  auto metrics = d.Get("/metrics");
  if (!metrics) return -1;
  int total = 0;
  for (const char* result : {"ok", "changes", "failed", "blocked"}) {
    const std::string key = "idsync_reconcile_total{platform=\"" + platform + "\",result=\"" + result + "\"} ";
    auto at = metrics->body.find(key);
    if (at != std::string::npos) total += std::stoi(metrics->body.substr(at + key.size()));
  }
  return total;
}

}  // namespace

TEST_CASE("a platform removed from the manifest stops its worker and drops its gauges") {
  Sim one(kSeed), two(kSeed);
  TempDir dir;
  const std::map<std::string, std::string>& env = kWsEnv;
  dir.Write("idsync.yaml", TwoPlatforms(one, two, true));
  DaemonProcess d(dir, {"-f", dir.path() + "/idsync.yaml", "--state", dir.path() + "/state.db",
                        "--interval", "1h"},
                  env);
  REQUIRE(Eventually([&] { return ReconcilesOf(d, "ws") >= 1 && ReconcilesOf(d, "ws2") >= 1; }));
  auto metrics = d.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find(R"(idsync_managed_users{platform="ws2"})") != std::string::npos);

  dir.Write("idsync.yaml", TwoPlatforms(one, two, false));
  INFO(d.Stderr());
  REQUIRE(Eventually([&] {
    auto m = d.Get("/metrics");
    return m && m->body.find(R"(idsync_managed_users{platform="ws2"})") == std::string::npos;
  }));
  metrics = d.Get("/metrics");
  REQUIRE(metrics);
  for (const char* gauge : {"idsync_managed_users", "idsync_unmanaged_users", "idsync_removals_held",
                            "idsync_last_success_timestamp_seconds"})
    CHECK(metrics->body.find(std::string(gauge) + R"({platform="ws2"})") == std::string::npos);
  CHECK(metrics->body.find(R"(idsync_managed_users{platform="ws"})") != std::string::npos);
  const nlohmann::json status = d.Status();  // kept alive while its platforms are iterated
  for (const auto& p : status["platforms"]) CHECK(p["name"] != "ws2");

  // A reconcile of everything reaches only the platform still in the manifest.
  const int ws_before = ReconcilesOf(d, "ws");
  const int two_before = two.Counters()["workspace"]["faults"].value("received", 0);
  auto posted = d.Post("/v1/reconcile");
  REQUIRE(posted);
  REQUIRE(Eventually([&] { return ReconcilesOf(d, "ws") > ws_before; }));
  CHECK(two.Counters()["workspace"]["faults"].value("received", 0) == two_before);
  d.Signal(SIGTERM);
  CHECK(d.Wait().value_or(-1) == 0);
}

TEST_CASE("the daemon prunes journal rows and runs past --retention, keeping each user's newest row") {
  Sim sim(kSeed);
  TempDir dir;
  const std::map<std::string, std::string>& env = kWsEnv;
  const std::string state = dir.path() + "/state.db";
  auto apply = [&](const std::string& users) {
    dir.Write("idsync.yaml", WsHead(sim, WsCredentials::kInline) + "roles: { engineer: { ws: DEVELOPER } }\nusers:\n" + users);
    return Idsync({"apply", "-f", dir.path() + "/idsync.yaml", "--state", state}, env);
  };
  const std::string bob = "  - { email: bob@acme.io, roles: [engineer] }\n";
  REQUIRE(apply(bob + "  - { email: alice@acme.io, roles: [engineer] }\n").exit_code == 0);  // adopt, invite
  REQUIRE(apply(bob).exit_code == 0);  // alice's invitation cancelled or retired: her second row
  auto rows = [&](const std::string& email) {
    RunResult h = Idsync({"history", "--state", state, "--user", email, "--format", "json", "--limit", "1000"});
    REQUIRE(h.exit_code == 0);
    return static_cast<int>(nlohmann::json::parse(h.out).size());
  };
  REQUIRE(rows("alice@acme.io") == 2);
  {
    // Everything so far happened 200 days ago.
    SQLite::Database db(state, SQLite::OPEN_READWRITE);
    db.exec("UPDATE journal SET created_at = created_at - 17280000, updated_at = updated_at - 17280000");
    db.exec("UPDATE runs SET started_at = started_at - 17280000, finished_at = finished_at - 17280000");
  }
  DaemonProcess d(dir, {"-f", dir.path() + "/idsync.yaml", "--state", state, "--interval", "1h",
                        "--retention", "90d"},
                  env);
  INFO(d.Stderr());
  CHECK(Eventually([&] { return rows("alice@acme.io") == 1; }));  // the newest stays
  CHECK(rows("bob@acme.io") == 1);
  CHECK(d.Stderr().find("pruned") != std::string::npos);
  d.Signal(SIGTERM);
  CHECK(d.Wait().value_or(-1) == 0);
}

}  // namespace idsync::testing
