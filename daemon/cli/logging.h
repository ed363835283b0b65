// Logging setup: spdlog on stderr, as text or as JSON lines (SPEC §4, §5).
// Messages are sentences with context; secrets never reach them (core/text.h Redact).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace idsync {

enum class LogFormat { kText, kJson };

// Installs the default logger. REQUIRES: called once, before other threads log.
// level: trace|debug|info|warn|error; format: text|json. Unknown values are an error.
Status SetupLogging(std::string_view level, std::string_view format);

}  // namespace idsync
