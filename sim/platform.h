// What one simulated platform provides to the simulator: its HTTP routes under its
// own prefix, its seed section, its state, and control actions for tests.
//
// Thread-safety: every method may be called from any httplib worker thread at any
// time after Seed(); implementations guard their state with their own mutex.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace idsync::sim {

// The answer to a control request: an HTTP status and a JSON body
// (`{"error": "..."}` when the status is not 2xx).
struct ControlAnswer {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();

  static ControlAnswer Error(int status, std::string message) { return {status, {{"error", std::move(message)}}}; }
};

// Where a platform adds its HTTP routes. The server passes every handler through
// `wrap` (fault injection, sim/fault_route.h) before httplib sees it, so no platform
// registers a route the fault layer does not stand in front of.
class Routes {
 public:
  using Handler = httplib::Server::Handler;
  using Wrap = std::function<Handler(Handler)>;
  Routes(httplib::Server& server, Wrap wrap) : server_(server), wrap_(std::move(wrap)) {}

  void Get(const std::string& pattern, Handler handler) { server_.Get(pattern, wrap_(std::move(handler))); }
  void Post(const std::string& pattern, Handler handler) { server_.Post(pattern, wrap_(std::move(handler))); }
  void Put(const std::string& pattern, Handler handler) { server_.Put(pattern, wrap_(std::move(handler))); }
  void Patch(const std::string& pattern, Handler handler) { server_.Patch(pattern, wrap_(std::move(handler))); }
  void Delete(const std::string& pattern, Handler handler) { server_.Delete(pattern, wrap_(std::move(handler))); }

 private:
  httplib::Server& server_;
  Wrap wrap_;
};

class Platform {
 public:
  virtual ~Platform() = default;

  // The seed section key and the path segment of the control API: "workspace".
  virtual std::string name() const = 0;

  // Reads this platform's seed section (null when the seed has none) and makes it the
  // state Reset() returns to. Returns "" or an error message with the YAML line.
  // REQUIRES: called once, before RegisterRoutes().
  virtual std::string Seed(const YAML::Node& section) = 0;

  // Adds the platform's API routes (under its own prefix) to `server`.
  virtual void RegisterRoutes(Routes& server) = 0;

  // Everything the platform holds, secrets excepted, in the seed's own shape.
  virtual nlohmann::json DumpState() const = 0;

  // Back to the seed; counters to zero.
  virtual void Reset() = 0;

  // `POST /_sim/<name>/<action>` with a JSON body. Unknown actions answer 404.
  virtual ControlAnswer Control(std::string_view action, const nlohmann::json& body) = 0;

  // Request counters: per root field, plus "requests", "mutations", "unauthorized".
  virtual nlohmann::json Counters() const = 0;
  virtual void ResetCounters() = 0;
};

}  // namespace idsync::sim
