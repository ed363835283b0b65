// Running the real idsync binary on a pseudo-terminal, as a person at a terminal would:
// stdin, stdout and stderr are all the terminal (forkpty), so isatty() is true for each.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace idsync::testing {

struct PtyRun {
  int exit_code = -1;
  std::string output;  // everything written to the terminal, raw (\r, escapes, \r\n)
};

// Runs `binary args...` on a new pseudo-terminal with extra environment variables.
// When `prompt` appears in the output, `answer` is typed (then end of line). The run
// is abandoned (killed, exit_code -1) if it has not ended within a generous deadline,
// which is a failure guard, not a timing assertion.
PtyRun RunInPty(const std::string& binary, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, const std::string& prompt = "",
                const std::string& answer = "");

// The lines a terminal shows for `raw`: \r returns to the line's start, ESC[K clears to
// its end, \n ends it, other escape sequences (colour) are dropped; text overwrites.
std::vector<std::string> ScreenLines(const std::string& raw);

}  // namespace idsync::testing
