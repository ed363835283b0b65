#include "tests/support/postgres.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace idsync::testing {
namespace {

namespace fs = std::filesystem;

// The directory holding initdb and pg_ctl (see postgres.h).
std::string FindBinDir() {
  if (const char* env = std::getenv("IDSYNC_PG_BINDIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string version = e.path().filename().string();
    if (fs::exists(e.path() / "bin" / "initdb") &&
        std::all_of(version.begin(), version.end(), ::isdigit) && !version.empty()) {
      found.emplace_back(std::stoi(version), (e.path() / "bin").string());
    }
  }
  if (!found.empty()) return std::max_element(found.begin(), found.end())->second;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (::access((dir + "/initdb").c_str(), X_OK) == 0) return dir;
    }
  }
  throw std::runtime_error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql "
      "package (scripts/install-deps) or set IDSYNC_PG_BINDIR");
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs argv as uid/gid (when >= 0), output appended to `log`; returns the exit code.
int Run(const std::vector<std::string>& argv, int uid, int gid, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    if (uid >= 0 && (::setgroups(0, nullptr) != 0 || ::setgid(static_cast<gid_t>(gid)) != 0 ||
                     ::setuid(static_cast<uid_t>(uid)) != 0)) {
      ::_exit(126);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

// Cleans up after a test process that died without destroying the cluster: a
// detached shell that reads its stdin (our pipe) until we are gone, then stops the
// server by its pid file and deletes the directory.
int StartWatchdog(const std::string& dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();  // a Ctrl-C to the test's process group does not stop the cleanup
    ::dup2(fds[0], 0);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string script =
        "cat >/dev/null; pid=$(head -n 1 '" + dir + "/data/postmaster.pid' 2>/dev/null); "
        "if [ -n \"$pid\" ]; then kill -QUIT \"$pid\" 2>/dev/null; "
        "while kill -0 \"$pid\" 2>/dev/null; do sleep 0.1; done; fi; rm -rf '" + dir + "'";
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  if (pid < 0) throw std::runtime_error("fork failed");
  return fds[1];  // never written; closed by our exit
}

std::string RunQuery(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  std::string out;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const std::string message = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("test cluster: " + sql + ": " + message);
  }
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  return out;
}

}  // namespace

PostgresCluster& PostgresCluster::Shared() {
  static std::unique_ptr<PostgresCluster> cluster;
  static std::string failure;
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (!failure.empty()) throw std::runtime_error(failure);
  if (!cluster) {
    try {
      cluster = std::make_unique<PostgresCluster>(Options{});
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    }
  }
  return *cluster;
}

PostgresCluster::PostgresCluster(Options options) : bindir_(FindBinDir()) {
  char tmpl[] = "/tmp/idsync-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  watchdog_fd_ = StartWatchdog(dir_);
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr) throw std::runtime_error("running as root and no postgres user");
    run_uid_ = static_cast<int>(pw->pw_uid);
    run_gid_ = static_cast<int>(pw->pw_gid);
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + dir_);
    }
  }
  try {
    Start(options);
  } catch (...) {
    Stop();
    throw;
  }
}

void PostgresCluster::Start(const Options& options) {
  const std::string log = dir_ + "/server.log";
  if (Run({bindir_ + "/initdb", "-D", dir_ + "/data", "-U", "postgres", "-A", "trust", "-E",
           "UTF8", "--no-locale", "--no-sync"},
          run_uid_, run_gid_, dir_ + "/initdb.log") != 0) {
    throw std::runtime_error("initdb failed: " + ReadFile(dir_ + "/initdb.log"));
  }
  std::string settings = " -c listen_addresses=127.0.0.1 -k " + dir_ +
                         " -c max_connections=200 -c shared_buffers=32MB";
  if (!options.durable) settings += " -c fsync=off -c synchronous_commit=off "
                                    "-c full_page_writes=off";
  for (int attempt = 0; attempt < 5; ++attempt) {  // a port taken meanwhile: another one
    port_ = FreeLoopbackPort();
    if (Run({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-l", log, "-w", "-t", "60", "-o",
             "-p " + std::to_string(port_) + settings, "start"},
            run_uid_, run_gid_, dir_ + "/pg_ctl.log") == 0) {
      return;
    }
  }
  throw std::runtime_error("pg_ctl start failed: " + ReadFile(dir_ + "/pg_ctl.log") +
                           ReadFile(log));
}

void PostgresCluster::Stop() {
  if (fs::exists(dir_ + "/data/postmaster.pid")) {
    Run({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, run_uid_,
        run_gid_, dir_ + "/pg_ctl.log");
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
  if (watchdog_fd_ >= 0) ::close(watchdog_fd_);  // the watchdog finds nothing left to do
  watchdog_fd_ = -1;
}

PostgresCluster::~PostgresCluster() { Stop(); }

std::string PostgresCluster::Uri(const std::string& db, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PostgresCluster::Query(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("test cluster: cannot connect to " + uri + ": " + message);
  }
  try {
    std::string out = RunQuery(conn, sql);
    PQfinish(conn);
    return out;
  } catch (...) {
    PQfinish(conn);
    throw;
  }
}

std::string PostgresCluster::NewDatabase() {
  int n;
  {
    std::lock_guard lock(mu_);
    n = ++databases_;
  }
  const std::string name = "idsync_t" + std::to_string(n);
  // FILE_COPY: a checkpoint (cheap without fsync) instead of WAL-logging every block.
  Query(Uri("postgres"), "CREATE DATABASE " + name + " STRATEGY FILE_COPY");  // our own name
  return Uri(name);
}

}  // namespace idsync::testing
