// Crash safety (SPEC §3): idsync is killed with SIGKILL at many points of a run of a
// few hundred actions against idsync-sim and restarted each time; at the end the
// platform equals the manifest, no invitation was sent twice, and no journal row is
// left pending.
//
// Kill points are spread by watching the simulator's mutation counter: the process is
// killed once the platform has received N mutations (N = 10, 20, ... 330), a few
// milliseconds after, so kills land anywhere between a journal row and its answer.
// Runs alternate between `idsync apply` and `idsync run`.
//
// The simulator answers the 340 actions after 20 ms, and idsync keeps 2 requests in
// flight (`concurrency: 2`). Unpaced, idsync's eight requests in flight took a fraction
// of a millisecond each, so a test thread descheduled for a few milliseconds on a
// loaded machine let one run overshoot the next targets, and the runs after it were
// killed before their first mutation (CI saw 33 kills land on 13 distinct counts).
// Paced, a run sends one mutation about every 10 ms, so a stall of the test thread
// costs a mutation per 10 ms of it, and a target already passed moves to 5 beyond the
// last kill.
// The latency is the same for every request, with no jitter: a request that reached
// the simulator before the kill is then applied before the next run's listing, which
// arrives later and waits as long. With jitter, a late one could land after that
// listing, and the next run would invite again someone already invited (a platform
// request in flight at a crash is a race no client can close; it is not what this
// test measures).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/daemon_process.h"
#include "tests/integration/platform_fixture.h"

namespace idsync::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kSeeded = 40;    // active users present before idsync
constexpr int kNew = 300;      // invites
constexpr int kRegrant = 20;   // seeded users whose account type changes
constexpr int kRetire = kSeeded - kRegrant;
constexpr int kActions = kNew + kRegrant + kRetire;
constexpr int kRuns = kActions / 10 - 1;  // a kill every 10 mutations, 10 to 330

std::string Seeded(int i) { return "s" + std::to_string(100 + i).substr(1) + "@acme.io"; }
std::string Fresh(int i) { return "n" + std::to_string(1000 + i).substr(1) + "@acme.io"; }

std::string Seed() {
  std::string users;
  for (int i = 0; i < kSeeded; ++i) users += "    - { email: " + Seeded(i) + ", accountType: DEVELOPER }\n";
  return WsSeed(users);
}

std::string Manifest(const Sim& sim, const std::string& users) {
  return WsHead(sim, WsCredentials::kInline, "    max_removals: 50\n    concurrency: 2\n") +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  analyst: { ws: ANALYST }\n"
         "users:\n" + users;
}

// Every seeded user as they are: applying it only adopts them.
std::string Adopting(const Sim& sim) {
  std::string users;
  for (int i = 0; i < kSeeded; ++i) users += "  - { email: " + Seeded(i) + ", roles: [engineer] }\n";
  return Manifest(sim, users);
}

// 300 invites, 20 account type changes, 20 retires.
std::string Target(const Sim& sim) {
  std::string users;
  for (int i = 0; i < kRegrant; ++i) users += "  - { email: " + Seeded(i) + ", roles: [analyst] }\n";
  for (int i = 0; i < kNew; ++i)
    users += "  - { email: " + Fresh(i) + ", roles: [" + (i % 2 ? "analyst" : "engineer") + "] }\n";
  return Manifest(sim, users);
}

// Polls until the platform has received `target` mutations; false when `pid` exited
// first (reaped), true when it is still running then (or after 10 s).
bool RunsUntil(pid_t pid, const std::function<int()>& mutations, int target) {
  auto give_up = std::chrono::steady_clock::now() + milliseconds(10'000);
  while (mutations() < target && std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// SIGKILLs `pid` after a random pause of 0 to `max_pause_us` microseconds and reaps it;
// true when the SIGKILL is what ended it.
bool KillAfterPause(pid_t pid, std::mt19937& rng, int max_pause_us) {
  std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, max_pause_us)(rng)));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace

TEST_CASE("killed 30+ times across a 340-action run, idsync converges without a duplicate invite") {
  Sim sim(Seed());
  TempDir dir;
  const std::map<std::string, std::string>& env = kWsEnv;
  std::string manifest = dir.Write("idsync.yaml", Adopting(sim));
  std::string state = dir.path() + "/state.db";
  RunResult adopt = Idsync({"apply", "-f", manifest, "--state", state}, env);
  REQUIRE_MESSAGE(adopt.exit_code == 0, adopt.err);
  sim.Post("/_sim/counters/reset");
  REQUIRE(sim.Post("/_sim/faults", {{"workspace", {{"latency_ms", 20}}}}).is_object());

  dir.Write("idsync.yaml", Target(sim));
  auto mutations = [&] { return sim.Counters()["workspace"].value("mutations", 0); };
  std::mt19937 rng(20240611);
  int kills = 0, runs = 0;
  std::set<int> kill_points;  // mutation counts seen at each kill
  std::string killed_at;      // the same, in the order of the kills
  for (; kills < kRuns && runs < 2 * kRuns; ++runs) {
    int target = std::max(10 * (kills + 1), kill_points.empty() ? 0 : *kill_points.rbegin() + 5);
    if (target > kActions - 3) break;
    bool daemon = runs % 2 == 1;
    std::vector<std::string> args = {daemon ? "run" : "apply", "-f", manifest, "--state", state};
    if (daemon) args.insert(args.end(), {"--interval", "1h", "--listen", "127.0.0.1:0"});
    pid_t pid = SpawnIdsync(args, env, dir.path());
    if (RunsUntil(pid, mutations, target) && KillAfterPause(pid, rng, 4000)) {
      ++kills;
      int point = mutations();
      kill_points.insert(point);
      killed_at += " " + std::to_string(point);
    }
  }
  REQUIRE(sim.Post("/_sim/faults", {{"workspace", nullptr}}).is_object());
  INFO("kills: " << kills << ", distinct kill points: " << kill_points.size() << ", at" << killed_at);
  // Each target lies beyond the last kill point, so every kill lands on a new count.
  CHECK(kills >= 30);
  CHECK(*kill_points.rbegin() - *kill_points.begin() >= kActions / 2);  // spread over the run

  // One uninterrupted apply finishes the work; then nothing is left to do.
  RunResult last = Idsync({"apply", "-f", manifest, "--state", state}, env);
  INFO(last.out, last.err);
  CHECK(last.exit_code == 0);
  RunResult plan = Idsync({"plan", "-f", manifest, "--state", state, "--detailed-exitcode"}, env);
  INFO(plan.out);
  CHECK(plan.exit_code == 0);

  // The platform equals the manifest.
  nlohmann::json ws = sim.State()["workspace"];
  std::map<std::string, std::string> invited, active;
  std::set<std::string> disabled;
  for (const auto& i : ws["invitations"]) invited[i["email"]] = i["accountType"];
  for (const auto& u : ws["users"]) active[u["email"]] = u["accountType"];
  for (const auto& u : ws["disabled"]) disabled.insert(u["email"]);
  CHECK(invited.size() == kNew);
  for (int i = 0; i < kNew; ++i) CHECK(invited[Fresh(i)] == (i % 2 ? "ANALYST" : "DEVELOPER"));
  CHECK(active.size() == kRegrant);
  for (int i = 0; i < kRegrant; ++i) CHECK(active[Seeded(i)] == "ANALYST");
  CHECK(disabled.size() == kRetire);
  for (int i = kRegrant; i < kSeeded; ++i) CHECK(disabled.count(Seeded(i)) == 1);

  // Every request reached the platform exactly once: an invite repeated for a pending
  // invitation would be counted (and refused) by the simulator.
  nlohmann::json counters = sim.Counters()["workspace"];
  CHECK(counters["inviteUser"] == kNew);
  CHECK(counters["updateUserAccountType"] == kRegrant);
  CHECK(counters["disableUser"] == kRetire);

  // No journal row is left pending.
  RunResult history = Idsync({"history", "--state", state, "--format", "json", "--limit", "100000"});
  REQUIRE(history.exit_code == 0);
  nlohmann::json rows = nlohmann::json::parse(history.out);
  CHECK(rows.size() >= kActions);
  int pending = 0, interrupted = 0;
  for (const auto& r : rows) {
    if (r["status"] == "pending") ++pending;
    if (r["error"].get<std::string>().starts_with("interrupted")) ++interrupted;
  }
  CHECK(pending == 0);
  MESSAGE("journal rows closed as interrupted after a kill: " << interrupted);
}

namespace {

// Houston: an invitation is inviteUser plus one workspaceAddUser per workspace, so a
// kill can land between the requests of one invitation.
constexpr int kHoustonNew = 40;
constexpr int kHoustonRequests = kHoustonNew * 4;  // system role + three workspaces

std::string HoustonSeed() {
  return "houston:\n"
         "  credentials: { api_key: sim-houston-key }\n"
         "  workspaces:\n"
         "    - { id: ckws1, label: Data }\n"
         "    - { id: ckws2, label: ML }\n"
         "    - { id: ckws3, label: Ops }\n"
         "  users:\n"
         "    - { id: cku001, email: root@acme.io, system: SYSTEM_ADMIN }\n";
}

std::string HoustonTarget(const Sim& sim) {
  std::string s = "version: 1\n"
                  "platforms:\n"
                  "  astro:\n"
                  "    type: houston\n"
                  "    url: " + sim.Url("/houston/v1") + "\n"
                  "    credentials: { api_key: { env: HOUSTON_KEY } }\n"
                  "roles:\n"
                  "  everywhere: { astro: { system: SYSTEM_VIEWER, workspaces: { ckws1: WORKSPACE_VIEWER, "
                  "ckws2: WORKSPACE_EDITOR, ckws3: WORKSPACE_ADMIN } } }\n"
                  "users:\n";
  for (int i = 0; i < kHoustonNew; ++i) s += "  - { email: " + Fresh(i) + ", roles: [everywhere] }\n";
  return s;
}

}  // namespace

TEST_CASE("houston: killed between the requests of multi-workspace invitations, the next apply sends every one") {
  Sim sim(HoustonSeed());
  TempDir dir;
  std::map<std::string, std::string> env{{"HOUSTON_KEY", "sim-houston-key"}};
  std::string manifest = dir.Write("idsync.yaml", HoustonTarget(sim));
  std::string state = dir.path() + "/state.db";
  auto mutations = [&] { return sim.Counters()["houston"].value("mutations", 0); };
  std::mt19937 rng(20261206);
  int kills = 0, runs = 0;
  // Targets that are not multiples of 4 land inside one person's invitation.
  for (int target = 3; target < kHoustonRequests - 8; target += 9, ++runs) {
    std::vector<std::string> args = {runs % 2 ? "run" : "apply", "-f", manifest, "--state", state};
    if (runs % 2) args.insert(args.end(), {"--interval", "1h", "--listen", "127.0.0.1:0"});
    pid_t pid = SpawnIdsync(args, env, dir.path());
    if (RunsUntil(pid, mutations, target) && KillAfterPause(pid, rng, 1000)) ++kills;
  }
  INFO("kills: " << kills);
  CHECK(kills >= 10);

  // One uninterrupted apply: every person holds every invitation, none waits for a sign-up.
  RunResult last = Idsync({"apply", "-f", manifest, "--state", state}, env);
  INFO(last.out, last.err);
  CHECK(last.exit_code == 0);
  std::map<std::string, std::set<std::string>> invites;  // email -> "system"/workspace ids
  const nlohmann::json houston = sim.State()["houston"];  // kept: the loop reads into it
  for (const auto& i : houston["invites"]) {
    const std::string ws = i.contains("workspace") && i["workspace"].is_string() ? i["workspace"].get<std::string>() : "";
    invites[i["email"].get<std::string>()].insert(ws.empty() ? "system" : ws);
  }
  const std::set<std::string> all = {"system", "ckws1", "ckws2", "ckws3"};
  for (int i = 0; i < kHoustonNew; ++i) {
    std::string held;
    for (const auto& w : invites[Fresh(i)]) held += w + " ";
    CHECK_MESSAGE(invites[Fresh(i)] == all, Fresh(i) << " holds: " << held);
  }
  RunResult plan = Idsync({"plan", "-f", manifest, "--state", state, "--detailed-exitcode"}, env);
  INFO(plan.out);
  CHECK(plan.exit_code != 1);  // grant changes of pending people may stay deferred, nothing fails
}

}  // namespace idsync::testing
