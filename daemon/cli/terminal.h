// The terminal's stderr, shared by log lines and progress lines (SPEC §4: a progress
// line never shares a line with a log line).
//
// The rule for "on a terminal": logs and progress are drawn on stderr, so it is stderr
// being a TTY that turns on progress, the quiet default log level (warn) and coloured
// log levels; the plan and the summary on stdout are coloured when stdout is a TTY;
// `apply` asks only when stdin is a TTY (daemon/cli/confirm.h). NO_COLOR (any value)
// turns every colour off.
//
// Progress is one line per platform, redrawn in place; a log line first clears it, is
// written on a line of its own, and the progress line is drawn again below it. When the
// next platform starts, the previous platform's last progress line stays on screen.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <spdlog/sinks/sink.h>

namespace idsync {

class TerminalLine {
 public:
  // The process's stderr.
  static TerminalLine& Stderr();
  static bool StderrIsTty();
  static bool ColorAllowed();  // NO_COLOR is not set

  // Draws `text` as `platform`'s progress line.
  void Progress(const std::string& platform, const std::string& text);
  // Writes a complete line (ending in '\n') above the progress line.
  void Write(std::string_view line);
  // Leaves the last progress line on screen and ends it; the next output starts below.
  void Finish();

 private:
  void Draw();   // REQUIRES: mu_ held
  void Erase();  // REQUIRES: mu_ held
  std::mutex mu_;
  std::string platform_, text_;
  bool drawn_ = false;
};

// An spdlog sink writing through TerminalLine::Stderr(); with `color`, the level (the
// pattern's %^...%$ range) is coloured.
std::shared_ptr<spdlog::sinks::sink> MakeTerminalSink(bool color);

}  // namespace idsync
