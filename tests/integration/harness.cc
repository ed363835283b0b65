#include "tests/integration/harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <httplib.h>

namespace idsync::testing {
namespace fs = std::filesystem;

RunResult Idsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  return RunProcess(IDSYNC_BIN, args, env);
}

// The control requests of one test (polled every millisecond by some) share one
// keep-alive connection instead of opening one each, and one that meets a transport
// error is sent again for up to 10 s: a loaded machine (CI runs two sanitized tests
// side by side) may drop or stall a connection. A request that never reached the
// simulator is the only one re-sent for POST.
struct Sim::Control {
  explicit Control(int port) : client("127.0.0.1", port) {
    client.set_keep_alive(true);
    client.set_read_timeout(10, 0);
  }
  std::mutex mu;
  httplib::Client client;
};

namespace {

template <typename Send>
httplib::Result SendControl(std::mutex& mu, bool idempotent, Send send) {
  std::lock_guard lock(mu);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    httplib::Result res = send();
    if (res || std::chrono::steady_clock::now() > deadline) return res;
    if (!idempotent && res.error() != httplib::Error::Connection) return res;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

Sim::Sim(const std::string& seed_yaml) {
  std::string seed = dir_.Write("seed.yaml", seed_yaml);
  std::string port_file = dir_.path() + "/port";
  pid_ = Spawn(IDSYNC_SIM_BIN, {"--listen", "127.0.0.1:0", "--seed", seed, "--port-file", port_file},
               {}, SpawnOptions{"", dir_.path() + "/sim.out", dir_.path() + "/sim.err", false});
  for (int i = 0; i < 500; ++i) {
    std::string text = SlurpFile(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::stoi(text);
      control_ = std::make_unique<Control>(port_);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("idsync-sim exited at start: " + SlurpFile(dir_.path() + "/sim.err"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("idsync-sim did not write its port within 5 s");
}

Sim::~Sim() {
  // Hang up first: a worker waiting on this keep-alive connection would hold the
  // simulator's shutdown for its 5 s keep-alive timeout.
  control_.reset();
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string Sim::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string Sim::Unanswered(const std::string& what, const std::string& error) const {
  std::string state = "still running";
  siginfo_t info{};  // WNOWAIT: the destructor still reaps it
  if (pid_ > 0 && waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      info.si_pid == pid_) {
    state = info.si_code == CLD_EXITED ? "exited with status " + std::to_string(info.si_status)
                                       : "killed by signal " + std::to_string(info.si_status);
  }
  std::string err = SlurpFile(dir_.path() + "/sim.err");
  // A sanitizer report is quoted from its start (the racing accesses come first),
  // anything else by its end.
  std::size_t report = err.find("WARNING: ThreadSanitizer");
  if (report == std::string::npos) report = err.find("ERROR: AddressSanitizer");
  if (report != std::string::npos) {
    err = err.substr(report, 16000);
  } else if (err.size() > 4000) {
    err = "..." + err.substr(err.size() - 4000);
  }
  return what + ": no answer from idsync-sim (" + error + "; the simulator is " + state + ")" +
         (err.empty() ? "" : "; its stderr:\n" + err);
}

nlohmann::json Sim::Get(const std::string& path) const {
  auto res = SendControl(control_->mu, true, [&] { return control_->client.Get(path.c_str()); });
  if (!res) throw std::runtime_error(Unanswered("GET " + path, httplib::to_string(res.error())));
  if (res->status != 200) throw std::runtime_error("GET " + path + ": " + std::to_string(res->status) + " " + res->body);
  return nlohmann::json::parse(res->body);
}

nlohmann::json Sim::Post(const std::string& path, const nlohmann::json& body) const {
  auto res = SendControl(control_->mu, false,
                         [&] { return control_->client.Post(path.c_str(), body.dump(), "application/json"); });
  if (!res) throw std::runtime_error(Unanswered("POST " + path, httplib::to_string(res.error())));
  if (res->status / 100 != 2)
    throw std::runtime_error("POST " + path + ": " + std::to_string(res->status) + " " + res->body);
  return res->body.empty() ? nlohmann::json() : nlohmann::json::parse(res->body);
}

}  // namespace idsync::testing
