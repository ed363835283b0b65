#include "daemon/run/notify.h"

#include <systemd/sd-daemon.h>

#include <algorithm>

namespace idsync {

void Notifier::Ready() { sd_notify(0, "READY=1"); }

void Notifier::Status(const std::string& text) {
  std::string line = text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  sd_notify(0, ("STATUS=" + line).c_str());
}

void Notifier::Watchdog() { sd_notify(0, "WATCHDOG=1"); }

void Notifier::Stopping() { sd_notify(0, "STOPPING=1"); }

std::optional<std::chrono::microseconds> Notifier::WatchdogPeriod() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace idsync
