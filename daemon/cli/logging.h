// Logging setup: spdlog on stderr, as text or as JSON lines (SPEC §4, §5).
// Messages are sentences with context; secrets never reach them (core/text.h Redact).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace idsync {

enum class LogFormat { kText, kJson };

// Installs the default logger. REQUIRES: called once, before other threads log.
// level: trace|debug|info|warn|error, or empty for the default: info, except for a
// command (not the daemon) with stderr on a terminal, which logs warnings and errors
// only. format: text|json. Unknown values are an error.
// With stderr on a terminal, log lines go through TerminalLine (daemon/cli/terminal.h)
// so they never share a line with progress, and text levels are coloured (not with
// NO_COLOR); without one they are written to stderr as they are.
Status SetupLogging(std::string_view level, std::string_view format, bool daemon = false);

}  // namespace idsync
