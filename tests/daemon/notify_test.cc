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

#include "tests/support/notify_socket.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

// The shared socket, named in NOTIFY_SOCKET of this process while it lives.
class NotifySocket {
 public:
  NotifySocket() : socket_(dir_.File("notify.sock")) { setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1); }
  ~NotifySocket() { unsetenv("NOTIFY_SOCKET"); }
  // The next message, or "" after a second.
  std::string Next() { return socket_.Next(std::chrono::seconds(1)); }

 private:
  testing::TempDir dir_;
  testing::NotifySocket socket_;
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
