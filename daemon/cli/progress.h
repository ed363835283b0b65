// Progress of long operations on a terminal (SPEC §4): "ws: 12/40 actions", one line
// per platform redrawn in place on stderr when stderr is a TTY (the rule: see
// daemon/cli/terminal.h), through TerminalLine so that log lines never share its line;
// silent otherwise, so logs stay clean.
//
// Thread-safety: Update may be called from several threads.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

namespace idsync {

class Progress {
 public:
  explicit Progress(bool enabled);
  static bool StderrIsTty();
  void Update(const std::string& platform, std::size_t done, std::size_t total);
  void Finish();  // ends the line if one was drawn

 private:
  bool enabled_;
  bool drawn_ = false;
  std::mutex mu_;
};

}  // namespace idsync
