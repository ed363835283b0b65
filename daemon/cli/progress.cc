#include "daemon/cli/progress.h"

#include "daemon/cli/terminal.h"

namespace idsync {

Progress::Progress(bool enabled) : enabled_(enabled) {}

bool Progress::StderrIsTty() { return TerminalLine::StderrIsTty(); }

void Progress::Update(const std::string& platform, std::size_t done, std::size_t total) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  TerminalLine::Stderr().Progress(platform, platform + ": " + std::to_string(done) + "/" +
                                                std::to_string(total) + " actions");
  drawn_ = true;
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) TerminalLine::Stderr().Finish();
  drawn_ = false;
}

}  // namespace idsync
