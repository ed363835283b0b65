// Integration harness: a temporary directory, the real `idsync-sim` started on a free
// loopback port, and the real `idsync` binary run against it. Nothing is mocked:
// every request crosses a real socket.
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace idsync::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const;  // returns path
  std::string Read(const std::string& name) const;

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `binary args...` with extra environment variables, waits, captures output.
RunResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {},
                     const std::string& stdin_path = "");

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
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace idsync::testing
