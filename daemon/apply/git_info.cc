#include "daemon/apply/git_info.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <vector>

extern char** environ;

namespace idsync {

namespace {

// Reads `fd` to its end unless `timer` (a timerfd) fires first; false on timeout.
bool ReadUntil(int fd, int timer, std::string& out) {
  std::array<char, 256> buf;
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {timer, POLLIN, 0}};
    int ready = poll(p, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (p[1].revents & POLLIN)) return false;
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buf.data(), static_cast<size_t>(n));
  }
}

// Reaps `pid` unless `timer` fires first; false when it is still running then.
bool WaitUntil(pid_t pid, int timer, int& wstatus) {
  for (;;) {
    pid_t r = waitpid(pid, &wstatus, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    pollfd p{timer, POLLIN, 0};
    if (poll(&p, 1, 5) > 0) return false;  // checks the child every 5 ms until the timer
  }
}

}  // namespace

std::string GitCommitOf(const std::string& path, std::chrono::milliseconds timeout) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::path dir_path = std::filesystem::is_directory(p, ec) ? p : p.parent_path();
  if (dir_path.empty()) dir_path = std::filesystem::path(".");
  const std::string dir = dir_path.string();

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return "";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // An empty signal mask and default dispositions in the child (see git_info.h).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = {"git", "-C", dir, "rev-parse", "--verify", "-q", "HEAD"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  std::string out;
  if (rc == 0) {
    // The timeout as a timerfd: no clock is read here (scripts/check-clock).
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    spec.it_value.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
    if (timer >= 0) timerfd_settime(timer, 0, &spec, nullptr);
    int wstatus = 0;
    const bool in_time = timer >= 0 && ReadUntil(fds[0], timer, out) && WaitUntil(pid, timer, wstatus);
    if (timer >= 0) close(timer);
    if (!in_time) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      out.clear();
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
      out.clear();
    }
  }
  close(fds[0]);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.size() == 40 || out.size() == 64 ? out : "";
}

}  // namespace idsync
