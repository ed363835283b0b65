// A long-running `idsync run` for integration tests: started in the background with
// --listen 127.0.0.1:0 and --port-file, talked to over its real listener, signalled,
// and waited for. Killed (SIGKILL) if still running at destruction.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "tests/integration/harness.h"

namespace idsync::testing {

// Starts `idsync args...` in the background; stdout/stderr are appended to files in `dir`.
inline pid_t SpawnIdsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const std::string& dir) {
  return Spawn(IDSYNC_BIN, args, env, SpawnOptions{"", dir + "/idsync.out", dir + "/idsync.err", true});
}

class DaemonProcess {
 public:
  // `args` follow "run"; --listen and --port-file are added unless `listen` is empty.
  DaemonProcess(const TempDir& dir, std::vector<std::string> args, std::map<std::string, std::string> env,
                const std::string& listen = "127.0.0.1:0")
      : dir_(dir.path()) {
    std::string port_file = dir_ + "/port";
    std::remove(port_file.c_str());
    args.insert(args.begin(), "run");
    if (!listen.empty()) {
      args.insert(args.end(), {"--listen", listen, "--port-file", port_file});
    }
    pid_ = SpawnIdsync(args, env, dir_);
    if (listen.empty()) return;
    bool up = Eventually([&] {
      std::string text = SlurpFile(port_file);
      if (!text.empty() && text.back() == '\n') {
        port_ = std::stoi(text);
        return true;
      }
      return !Running();
    });
    if (!up || port_ == 0) throw std::runtime_error("idsync run did not listen: " + Stderr());
  }
  ~DaemonProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string Stderr() const { return SlurpFile(dir_ + "/idsync.err"); }

  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  void Signal(int sig) const { kill(pid_, sig); }
  // The exit code once it ended within `limit`, else nullopt.
  std::optional<int> Wait(std::chrono::milliseconds limit = std::chrono::milliseconds(15'000)) {
    if (!Eventually([&] { return !Running(); }, limit)) return std::nullopt;
    return exit_code_;
  }

  httplib::Result Get(const std::string& path) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10);
    return c.Get(path.c_str());
  }
  httplib::Result Post(const std::string& path, const httplib::Headers& headers = {}) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10);
    return c.Post(path.c_str(), headers, "", "application/json");
  }
  nlohmann::json Status() const {
    auto res = Get("/v1/status");
    if (!res || res->status != 200) return nullptr;
    return nlohmann::json::parse(res->body);
  }
  // The status entry of `platform`, or null.
  nlohmann::json PlatformStatus(const std::string& platform) const {
    nlohmann::json s = Status();
    if (s.is_null()) return nullptr;
    for (const auto& p : s["platforms"])
      if (p["name"] == platform) return p;
    return nullptr;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
};

}  // namespace idsync::testing
