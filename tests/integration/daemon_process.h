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

extern char** environ;

namespace idsync::testing {

inline std::string SlurpFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `done` every 20 ms for up to `limit`; true once it held.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Starts `idsync args...` in the background; stdout/stderr go to files in `dir`.
inline pid_t SpawnIdsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const std::string& dir) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::string out = dir + "/idsync.out", err = dir + "/idsync.err";
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::vector<std::string> argv_s = {IDSYNC_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const char* drop : {"IDSYNC_STATE", "IDSYNC_LOG_LEVEL", "IDSYNC_LOG_FORMAT", "IDSYNC_API_TOKEN",
                           "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"})
    merged.erase(drop);
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_s;
  for (const auto& [k, v] : merged) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, IDSYNC_BIN, &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start idsync");
  return pid;
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
