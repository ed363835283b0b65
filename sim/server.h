// The simulator server: every simulated platform on one httplib::Server, plus the
// control API under /_sim/:
//   GET  /_sim/state             {"<platform>": state, ...}
//   POST /_sim/reset             every platform back to the seed, counters to zero
//   GET  /_sim/counters          {"<platform>": {"requests": 5, ...}, ...}
//   POST /_sim/counters/reset
//   POST /_sim/<platform>/<action>   JSON body, dispatched to Platform::Control()
//   GET  /_sim/faults            {"<platform>": FaultConfig JSON, ...} (all five)
//   POST /_sim/faults            {"<platform>": FaultConfig JSON or null, ...}: replaces
//                                the named platforms' faults (null: none); 400 names
//                                the bad key and changes nothing; answers like GET
//   DELETE /_sim/faults          no faults anywhere
// Faults (sim/faults.h) come from the seed's `<platform>.faults` section, then
// ServerOptions::faults; /_sim/reset returns to those. /_sim/counters shows each
// platform's fault counters under "faults".
//
// Thread-safety: Start()/Stop() from one thread; requests are served on httplib's
// thread pool and each platform guards its own state.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include <map>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/faults.h"
#include "sim/platform.h"

namespace idsync::sim {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: pick a free port
  bool log_requests = false;  // one line per request on stderr (method, path, status)
  // Worker threads: each keep-alive connection and each hanging (fault) request holds
  // one, so this bounds concurrent connections.
  int threads = 128;
  // {"<platform>": FaultConfig JSON}: replaces the seed's faults for those platforms.
  nlohmann::json faults = nlohmann::json::object();
};

class SimServer {
 public:
  // A server seeded from YAML text (see examples/sim-seed.yaml), or the seed error.
  static std::variant<std::unique_ptr<SimServer>, std::string> Create(std::string_view seed_yaml,
                                                                      const ServerOptions& options);
  ~SimServer();  // stops if running

  // Binds and serves on a background thread. Returns "" or why it could not bind.
  // After success port() is the bound port and requests are accepted.
  std::string Start();
  // Stops serving and joins the thread. Idempotent.
  void Stop();
  int port() const { return port_; }
  const std::string& host() const { return options_.host; }

 private:
  explicit SimServer(ServerOptions options) : options_(std::move(options)) {}
  void RegisterControlRoutes();
  void RegisterFaultRoutes();
  Platform* Find(std::string_view name) const;
  // Applies {"<platform>": config or null} all or nothing; "" or the error.
  std::string SetFaults(const nlohmann::json& body);
  nlohmann::json FaultsJson() const;

  ServerOptions options_;
  std::vector<std::unique_ptr<Platform>> platforms_;
  std::map<std::string, std::unique_ptr<FaultInjector>> faults_;  // by platform name
  std::map<std::string, FaultConfig> seeded_faults_;               // what /_sim/reset restores
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace idsync::sim
