// GitCommitOf runs `git` with no signal blocked and kills one that hangs. A fake `git`
// first on PATH (a shell script, an injected program) reports what it inherited.
#include "daemon/apply/git_info.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

// Puts `dir` first on PATH for the scope.
class PathFirst {
 public:
  explicit PathFirst(const std::string& dir) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", (dir + ":" + old_).c_str(), 1);
  }
  ~PathFirst() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("git starts with no blocked signal and is killed when it does not answer in time") {
  testing::TempDir dir;
  const std::string bin = dir.File("bin");
  const std::string report = dir.File("report");
  std::filesystem::create_directories(bin);
  {
    std::ofstream git(bin + "/git");
    git << "#!/bin/sh\n"
        << "grep '^SigBlk' /proc/self/status > " << report << ".tmp\n"
        << "echo $$ >> " << report << ".tmp\n"
        << "mv " << report << ".tmp " << report << "\n"
        << "exec sleep 30\n";
  }
  REQUIRE(chmod((bin + "/git").c_str(), 0700) == 0);
  PathFirst path(bin);

  // The daemon blocks its signals for its signalfd; the child must not inherit that.
  sigset_t blocked, old;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGHUP);
  REQUIRE(pthread_sigmask(SIG_BLOCK, &blocked, &old) == 0);
  const std::string commit = GitCommitOf(dir.path(), std::chrono::milliseconds(500));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);

  CHECK(commit.empty());
  std::istringstream lines(Slurp(report));
  std::string sigblk, pid;
  std::getline(lines, sigblk);
  std::getline(lines, pid);
  CHECK(sigblk == "SigBlk:\t0000000000000000");
  REQUIRE_FALSE(pid.empty());
  // Killed and reaped: the process is gone.
  CHECK(kill(std::stoi(pid), 0) == -1);
  CHECK(errno == ESRCH);
}

}  // namespace idsync
