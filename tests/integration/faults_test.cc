// Convergence under faults (issue 6): the real idsync binary against the real
// idsync-sim while the simulator answers 20% of requests with 5xx, hangs 5% past the
// client's timeout and rate-limits tightly, on two platforms at once. Repeated applies
// must reach the manifest, and the simulator's effect counters must show every invite
// applied exactly once.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>

#include "tests/integration/harness.h"

namespace idsync::testing {
namespace {

constexpr int kUsers = 40;
constexpr const char* kOrg = "0d6c1c52-5f7e-4b8e-9a38-1f0f1e2d3c4b";

// Faults every request risks on a platform; `seed` fixes the simulator's draws.
std::string Faults(int seed) {
  return "  faults:\n"
         "    error_rate: { \"500\": 0.15, \"503\": 0.05 }\n"
         "    timeout_rate: 0.05\n"
         "    hang_ms: 1500\n"
         "    rate_limit: { per_second: 25, burst: 5 }\n"
         "    seed: " + std::to_string(seed) + "\n";
}

std::string Seed() {
  return "workspace:\n"
         "  credentials: { api_key: sim-key, api_secret: sim-secret }\n" + Faults(1) +
         "astra:\n"
         "  credentials: { token: \"AstraCS:sim-token\" }\n"
         "  org: { id: " + std::string(kOrg) + ", name: Acme }\n" + Faults(2);
}

std::string Email(int i) { return "user" + std::to_string(i) + "@acme.io"; }

std::string Manifest(const Sim& sim) {
  // timeout: 1s keeps each hang cheap; concurrency and rate are the defaults.
  std::string m = "version: 1\n"
                  "platforms:\n"
                  "  ws:\n"
                  "    type: workspace\n"
                  "    url: " + sim.Url("/workspace/graphql") + "\n"
                  "    timeout: 1s\n"
                  "    credentials:\n"
                  "      api_key: { env: WS_KEY }\n"
                  "      api_secret: { env: WS_SECRET }\n"
                  "  astra:\n"
                  "    type: astra\n"
                  "    url: " + sim.Url("/astra") + "\n"
                  "    timeout: 1s\n"
                  "    credentials:\n"
                  "      token: { env: ASTRA_TOKEN }\n"
                  "roles:\n"
                  "  engineer: { ws: DEVELOPER, astra: [ \"R/W User\" ] }\n"
                  "users:\n";
  for (int i = 0; i < kUsers; ++i) m += "  - { email: " + Email(i) + ", roles: [engineer] }\n";
  return m;
}

}  // namespace

TEST_CASE("apply converges under 20% 5xx, 5% timeouts and a tight rate limit, with no duplicate effects") {
  Sim sim(Seed());
  TempDir dir;
  const std::string manifest = dir.Write("idsync.yaml", Manifest(sim));
  const std::string state = dir.path() + "/state.db";
  const std::map<std::string, std::string> env = {
      {"WS_KEY", "sim-key"}, {"WS_SECRET", "sim-secret"}, {"ASTRA_TOKEN", "AstraCS:sim-token"}};

  auto start = std::chrono::steady_clock::now();
  int applies = 0;
  bool converged = false;
  for (; applies < 10 && !converged; ++applies) {
    RunResult apply = Idsync({"apply", "-f", manifest, "--state", state}, env);
    CAPTURE(apply.err);
    CHECK((apply.exit_code == 0 || apply.exit_code == 1));  // 1: some actions failed; try again
    RunResult plan = Idsync({"plan", "-f", manifest, "--state", state, "--detailed-exitcode"}, env);
    converged = plan.exit_code == 0;
  }
  MESSAGE("converged after " << applies << " applies in "
                             << std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start).count() << " ms");
  REQUIRE(converged);

  // The platforms hold exactly the manifest.
  nlohmann::json live = sim.State();
  std::multiset<std::string> ws, astra;
  for (const auto& u : live["workspace"]["invitations"]) {
    CHECK(u["accountType"] == "DEVELOPER");
    ws.insert(u["email"].get<std::string>());
  }
  CHECK(live["workspace"]["users"].empty());
  for (const auto& u : live["astra"]["users"]) astra.insert(u["email"].get<std::string>());
  std::multiset<std::string> want;
  for (int i = 0; i < kUsers; ++i) want.insert(Email(i));
  CHECK(ws == want);
  CHECK(astra == want);

  // Each invite took effect exactly once, though many requests were refused or lost.
  nlohmann::json counters = sim.Counters();
  for (const char* platform : {"workspace", "astra"}) {
    CAPTURE(platform);
    const nlohmann::json& c = counters[platform];
    CAPTURE(c.dump());
    CHECK(c["effects"]["inviteUser"] == kUsers);
    const nlohmann::json& f = c["faults"];
    CHECK(f["errors"].value("500", 0) + f["errors"].value("503", 0) > 0);
    CHECK(f["timeouts"].get<int>() > 0);
    // what passed the fault layer is exactly what the platform served
    CHECK(f["passed"] == c["requests"]);
  }
  CHECK(counters["workspace"]["effects"]["updateUserAccountType"] == 0);
  CHECK(counters["astra"]["effects"]["setRoles"] == 0);
  CHECK(counters["astra"]["effects"]["deleteUser"] == 0);
  CHECK(counters["workspace"]["faults"]["rate_limited"].get<int>() +
            counters["astra"]["faults"]["rate_limited"].get<int>() > 0);

  // Converged means quiet: one more apply changes nothing.
  REQUIRE(sim.Post("/_sim/faults", {{"workspace", nullptr}, {"astra", nullptr}}).is_object());
  REQUIRE(sim.Post("/_sim/counters/reset").is_object());
  RunResult again = Idsync({"apply", "-f", manifest, "--state", state}, env);
  CHECK(again.exit_code == 0);
  CHECK(sim.Counters()["workspace"]["mutations"] == 0);
  CHECK(sim.Counters()["astra"]["mutations"] == 0);
}

}  // namespace idsync::testing
