// What one simulated platform provides to the simulator: its HTTP routes under its
// own prefix, its seed section, its state, and control actions for tests.
//
// Thread-safety: every method may be called from any httplib worker thread at any
// time after Seed(); implementations guard their state with their own mutex.
#pragma once

#include <string>
#include <string_view>

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
  virtual void RegisterRoutes(httplib::Server& server) = 0;

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
