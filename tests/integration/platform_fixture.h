// What the integration tests of one platform share: the platform's own simulator, a
// temp dir holding idsync.yaml and state.db, and the environment that hands idsync the
// simulator's credentials. Each case builds its own, so cases never share state.
//
// Also the workspace manifest head and seed that the cross-platform files (cli,
// explain, expiry, daemon, lock, saved plans, ...) build their manifests from; the
// text is fixed, so the line numbers those tests assert stay where they are.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness.h"

namespace idsync::testing {

class PlatformFixture {
 public:
  // `platform`: the simulator's key in /_sim/state and /_sim/counters ("workspace").
  PlatformFixture(const std::string& seed, std::string platform, std::map<std::string, std::string> env)
      : sim(seed), env(std::move(env)), platform_(std::move(platform)) {}

  Sim sim;
  TempDir dir;
  std::map<std::string, std::string> env;

  // Writes the manifest to dir/idsync.yaml; returns its path.
  std::string Write(const std::string& manifest) { return dir.Write("idsync.yaml", manifest); }
  std::string ManifestPath() const { return dir.path() + "/idsync.yaml"; }
  std::string State() const { return dir.path() + "/state.db"; }
  // `idsync COMMAND -f dir/idsync.yaml --state dir/state.db EXTRA...` with `env`.
  RunResult Run(const std::string& command, const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {command, "-f", ManifestPath(), "--state", State()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Idsync(args, env);
  }
  RunResult Plan(const std::vector<std::string>& extra = {}) const { return Run("plan", extra); }
  RunResult Apply(const std::vector<std::string>& extra = {}) const { return Run("apply", extra); }
  // This platform's counters in the simulator, and one of them (`fallback` when absent).
  nlohmann::json Counters() const { return sim.Counters()[platform_]; }
  int Counter(const char* name, int fallback = 0) const { return Counters().value(name, fallback); }
  int Mutations() const { return Counter("mutations"); }
  // This platform's state in the simulator.
  nlohmann::json PlatformState() const { return sim.State()[platform_]; }

 private:
  std::string platform_;
};

// The credentials of WsSeed() and the environment that gives them to a manifest made
// with WsHead() (`{ env: WS_KEY }`, `{ env: WS_SECRET }`).
inline const std::map<std::string, std::string> kWsEnv{{"WS_KEY", "sim-key"}, {"WS_SECRET", "sim-secret"}};

// A workspace simulator seed: `users` are its "    - { email: ... }" lines.
inline std::string WsSeed(const std::string& users, const std::string& key = "sim-key",
                          const std::string& secret = "sim-secret") {
  return "\nworkspace:\n"
         "  credentials: { api_key: " + key + ", api_secret: " + secret + " }\n"
         "  users:\n" + users;
}
inline const char* kBobBuilder = "    - { email: bob@acme.io, name: Bob Builder, accountType: DEVELOPER }\n";

// How the `ws` block names its credentials: on three lines (lines 6-8 of WsHead), or
// inline on one.
enum class WsCredentials { kBlock, kInline };

// "version: 1", "platforms:" and a `ws` workspace block at `url` (line 5), then
// `settings` (lines indented by four), then the credentials; the caller goes on with
// more block lines, another platform or "roles:".
inline std::string WsHead(const std::string& url, WsCredentials credentials = WsCredentials::kBlock,
                          const std::string& settings = "") {
  return "version: 1\n"
         "platforms:\n"
         "  ws:\n"
         "    type: workspace\n"
         "    url: " + url + "\n" + settings +
         (credentials == WsCredentials::kBlock
              ? "    credentials:\n"
                "      api_key: { env: WS_KEY }\n"
                "      api_secret: { env: WS_SECRET }\n"
              : "    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }\n");
}
inline std::string WsHead(const Sim& sim, WsCredentials credentials = WsCredentials::kBlock,
                          const std::string& settings = "") {
  return WsHead(sim.Url("/workspace/graphql"), credentials, settings);
}

// A whole workspace manifest: WsHead(sim) with inline credentials, one role, `engineer`
// (DEVELOPER), and `users` (the "  - { email: ... }" lines).
inline std::string WsEngineers(const Sim& sim, const std::string& users) {
  return WsHead(sim, WsCredentials::kInline) +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "users:\n" + users;
}

}  // namespace idsync::testing
