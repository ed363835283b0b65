// systemd's notify protocol through libsystemd's sd_notify (SPEC §5, Type=notify).
// Without NOTIFY_SOCKET every call does nothing.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace idsync {

class Notifier {
 public:
  void Ready();                             // READY=1
  void Status(const std::string& text);     // STATUS=text (one line)
  void Watchdog();                          // WATCHDOG=1
  void Stopping();                          // STOPPING=1
  // Half of WATCHDOG_USEC when the service manager asks for watchdog pings (and
  // WATCHDOG_PID, if set, is this process); nullopt otherwise.
  static std::optional<std::chrono::microseconds> WatchdogPeriod();
};

}  // namespace idsync
