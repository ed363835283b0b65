#include "tests/support/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.h"

extern char** environ;

namespace idsync::testing {

const std::vector<std::string>& ClearedEnvironment() {
  static const std::vector<std::string> kCleared = {
      "IDSYNC_STATE",  "IDSYNC_LOG_LEVEL", "IDSYNC_LOG_FORMAT", "IDSYNC_API_TOKEN",
      "NOTIFY_SOCKET", "WATCHDOG_USEC",    "WATCHDOG_PID"};
  return kCleared;
}

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const SpawnOptions& options) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const int mode = O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
                                   options.stdin_path.empty() ? "/dev/null" : options.stdin_path.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, options.stdout_path.c_str(), mode, 0600);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, options.stderr_path.c_str(), mode, 0600);
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
  for (const auto& name : ClearedEnvironment()) merged.erase(name);
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

RunResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, const std::string& stdin_path) {
  TempDir io("idsync-run");
  SpawnOptions options{stdin_path, io.File("out"), io.File("err"), false};
  pid_t pid = Spawn(binary, args, env, options);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = SlurpFile(options.stdout_path);
  r.err = SlurpFile(options.stderr_path);
  return r;
}

std::string SlurpFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace idsync::testing
