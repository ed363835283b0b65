// sd_notify through a NOTIFY_SOCKET made here: a unix datagram socket whose messages
// the test reads back.
#include "daemon/run/notify.h"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

class NotifySocket {
 public:
  NotifySocket() {
    path_ = (dir_.fs_path() / "notify.sock").string();
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path_.size() < sizeof addr.sun_path);
    std::strcpy(addr.sun_path, path_.c_str());
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
  }
  // The next message, or "" after a second.
  std::string Next() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) return "";
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  }

 private:
  testing::TempDir dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace

TEST_CASE("ready, status, watchdog and stopping reach the notify socket in order") {
  NotifySocket sock;
  Notifier n;
  n.Ready();
  n.Status("ws: ok (3 succeeded,\n0 failed)");
  n.Watchdog();
  n.Stopping();
  CHECK(sock.Next() == "READY=1");
  CHECK(sock.Next() == "STATUS=ws: ok (3 succeeded, 0 failed)");
  CHECK(sock.Next() == "WATCHDOG=1");
  CHECK(sock.Next() == "STOPPING=1");
}

TEST_CASE("the watchdog pings at half of WATCHDOG_USEC, and only for this process") {
  unsetenv("WATCHDOG_PID");
  unsetenv("WATCHDOG_USEC");
  CHECK_FALSE(Notifier::WatchdogPeriod().has_value());
  setenv("WATCHDOG_USEC", "4000000", 1);
  auto period = Notifier::WatchdogPeriod();
  REQUIRE(period.has_value());
  CHECK(*period == std::chrono::seconds(2));
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  CHECK_FALSE(Notifier::WatchdogPeriod().has_value());
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  CHECK(Notifier::WatchdogPeriod().has_value());
  unsetenv("WATCHDOG_PID");
  unsetenv("WATCHDOG_USEC");
}

TEST_CASE("without NOTIFY_SOCKET notifications do nothing") {
  unsetenv("NOTIFY_SOCKET");
  Notifier n;
  n.Ready();  // must not fail or block
  n.Stopping();
  CHECK(std::getenv("NOTIFY_SOCKET") == nullptr);
}

}  // namespace idsync
