// Signals as events on a signalfd, read by the main thread (no work in handlers).
//
// REQUIRES: construct in the main thread before any other thread starts, so every
// thread inherits the blocked mask and only the signalfd sees SIGTERM, SIGINT, SIGHUP.
#pragma once

#include <chrono>
#include <optional>

namespace idsync {

class SignalEvents {
 public:
  SignalEvents();   // blocks SIGTERM, SIGINT, SIGHUP; opens the signalfd
  ~SignalEvents();  // closes it and restores the previous mask
  SignalEvents(const SignalEvents&) = delete;
  SignalEvents& operator=(const SignalEvents&) = delete;

  bool ok() const { return fd_ >= 0; }
  // The next signal number, or nullopt when `timeout` passed first.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  unsigned char old_mask_[128] = {};  // sigset_t storage
};

}  // namespace idsync
