#include "daemon/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace idsync {

Progress::Progress(bool enabled) : enabled_(enabled) {}

bool Progress::StderrIsTty() { return isatty(STDERR_FILENO) == 1; }

void Progress::Update(const std::string& platform, std::size_t done, std::size_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(stderr, "\r\033[K%s: %zu/%zu actions", platform.c_str(), done, total);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace idsync
