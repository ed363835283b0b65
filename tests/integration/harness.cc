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

extern char** environ;

namespace idsync::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    fs::path p = fs::temp_directory_path() / ("idsync-it-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p.string();
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string TempDir::Read(const std::string& name) const {
  std::ifstream in(fs::path(path_) / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const std::string& out_path,
            const std::string& err_path, const std::string& stdin_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, stdin_path.empty() ? "/dev/null" : stdin_path.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_s = {binary};
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
  merged.erase("IDSYNC_STATE");
  merged.erase("IDSYNC_LOG_LEVEL");
  merged.erase("IDSYNC_LOG_FORMAT");
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_s;
  for (const auto& [k, v] : merged) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  return pid;
}

}  // namespace

RunResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& stdin_path) {
  TempDir io;
  std::string out = io.path() + "/out", err = io.path() + "/err";
  pid_t pid = Spawn(binary, args, env, out, err, stdin_path);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

RunResult Idsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  return RunProcess(IDSYNC_BIN, args, env);
}

Sim::Sim(const std::string& seed_yaml) {
  std::string seed = dir_.Write("seed.yaml", seed_yaml);
  std::string port_file = dir_.path() + "/port";
  pid_ = Spawn(IDSYNC_SIM_BIN, {"--listen", "127.0.0.1:0", "--seed", seed, "--port-file", port_file},
               {}, dir_.path() + "/sim.out", dir_.path() + "/sim.err", "");
  for (int i = 0; i < 500; ++i) {
    std::string text = Slurp(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::stoi(text);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("idsync-sim exited at start: " + Slurp(dir_.path() + "/sim.err"));
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
