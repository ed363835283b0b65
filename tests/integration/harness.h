// Integration harness: a temporary directory, the real `idsync-sim` started on a free
// loopback port, and the real `idsync` binary run against it. Nothing is mocked:
// every request crosses a real socket.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace idsync::testing {

// Runs the real idsync binary.
RunResult Idsync(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});

// The real simulator, seeded from `seed_yaml`, on 127.0.0.1 and a free port.
class Sim {
 public:
  explicit Sim(const std::string& seed_yaml);
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const;  // "http://127.0.0.1:PORT" + path
  nlohmann::json Get(const std::string& path) const;
  nlohmann::json Post(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) const;
  nlohmann::json Counters() const { return Get("/_sim/counters"); }
  nlohmann::json State() const { return Get("/_sim/state"); }

 private:
  struct Control;  // one keep-alive connection for the requests above
  // Why the simulator did not answer: the transport error, whether it still runs, and
  // the end of its stderr (a sanitizer report, a crash).
  std::string Unanswered(const std::string& what, const std::string& error) const;

  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::unique_ptr<Control> control_;
};

}  // namespace idsync::testing
