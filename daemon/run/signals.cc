#include "daemon/run/signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace idsync {

static_assert(sizeof(sigset_t) <= 128);

SignalEvents::SignalEvents() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigset_t old;
  if (pthread_sigmask(SIG_BLOCK, &mask, &old) != 0) return;
  std::memcpy(old_mask_, &old, sizeof old);
  fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

SignalEvents::~SignalEvents() {
  if (fd_ >= 0) close(fd_);
  sigset_t old;
  std::memcpy(&old, old_mask_, sizeof old);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

std::optional<int> SignalEvents::Wait(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  int n = poll(&p, 1, static_cast<int>(timeout.count()));
  if (n <= 0) return std::nullopt;
  signalfd_siginfo info{};
  if (read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return std::nullopt;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace idsync
