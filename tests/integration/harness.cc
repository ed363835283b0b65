#include "tests/integration/harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

Sim::Sim(const std::string& seed_yaml) {
  std::string seed = dir_.Write("seed.yaml", seed_yaml);
  std::string port_file = dir_.path() + "/port";
  pid_ = Spawn(IDSYNC_SIM_BIN, {"--listen", "127.0.0.1:0", "--seed", seed, "--port-file", port_file},
               {}, SpawnOptions{"", dir_.path() + "/sim.out", dir_.path() + "/sim.err", false});
  for (int i = 0; i < 500; ++i) {
    std::string text = SlurpFile(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::stoi(text);
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
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string Sim::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json Sim::Get(const std::string& path) const {
  httplib::Client c("127.0.0.1", port_);
  auto res = c.Get(path.c_str());
  if (!res) throw std::runtime_error("GET " + path + ": no answer from idsync-sim");
  if (res->status != 200) throw std::runtime_error("GET " + path + ": " + std::to_string(res->status) + " " + res->body);
  return nlohmann::json::parse(res->body);
}

nlohmann::json Sim::Post(const std::string& path, const nlohmann::json& body) const {
  httplib::Client c("127.0.0.1", port_);
  auto res = c.Post(path.c_str(), body.dump(), "application/json");
  if (!res) throw std::runtime_error("POST " + path + ": no answer from idsync-sim");
  if (res->status / 100 != 2)
    throw std::runtime_error("POST " + path + ": " + std::to_string(res->status) + " " + res->body);
  return res->body.empty() ? nlohmann::json() : nlohmann::json::parse(res->body);
}

}  // namespace idsync::testing
