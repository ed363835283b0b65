#include "tests/integration/pty.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace idsync::testing {

PtyRun RunInPty(const std::string& binary, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, const std::string& prompt,
                const std::string& answer) {
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct winsize size {};
  size.ws_row = 50;
  size.ws_col = 200;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  PtyRun run;
  bool answered = prompt.empty();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  char buf[4096];
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    struct pollfd p {master, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) {  // EIO: the child closed the terminal (it exited)
      ended = true;
      break;
    }
    run.output.append(buf, static_cast<std::size_t>(n));
    if (!answered && run.output.find(prompt) != std::string::npos) {
      std::string line = answer + "\n";
      if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        throw std::runtime_error("cannot type on the pseudo-terminal");
      answered = true;
    }
  }
  int status = 0;
  if (!ended) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(master);
    return run;  // exit_code stays -1
  }
  waitpid(pid, &status, 0);
  close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::vector<std::string> ScreenLines(const std::string& raw) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t col = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\033' && i + 1 < raw.size() && raw[i + 1] == '[') {
      std::size_t end = i + 2;
      while (end < raw.size() && !(raw[end] >= '@' && raw[end] <= '~')) ++end;
      if (end < raw.size() && raw[end] == 'K') line.erase(std::min(col, line.size()));
      i = end;
    } else if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      lines.push_back(line);
      line.clear();
      col = 0;
    } else {
      if (col < line.size()) line[col] = c; else line += c;
      ++col;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace idsync::testing
