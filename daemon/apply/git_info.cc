#include "daemon/apply/git_info.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <vector>

extern char** environ;

namespace idsync {

std::string GitCommitOf(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::path dir_path = std::filesystem::is_directory(p, ec) ? p : p.parent_path();
  if (dir_path.empty()) dir_path = std::filesystem::path(".");
  const std::string dir = dir_path.string();

  int fds[2];
  if (pipe(fds) != 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> args = {"git", "-C", dir, "rev-parse", "--verify", "-q", "HEAD"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string out;
  if (rc == 0) {
    std::array<char, 256> buf;
    ssize_t n;
    while ((n = read(fds[0], buf.data(), buf.size())) > 0) out.append(buf.data(), static_cast<size_t>(n));
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) out.clear();
  }
  close(fds[0]);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.size() == 40 || out.size() == 64 ? out : "";
}

}  // namespace idsync
