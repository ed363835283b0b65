// Reading the credentials a manifest refers to (SPEC §2: secrets never live in it).
#pragma once

#include <string>

#include "config/manifest.h"
#include "core/status.h"

namespace idsync {

// Reads credential `key` of the platform ({env: NAME} or {file: PATH}, trailing newline
// stripped). Errors name the platform and the variable or file, never the value:
// "platform ws: credentials.api_key: environment variable WS_KEY is not set".
// An empty secret is an error too. Thread-safety: reads the environment (getenv).
StatusOr<std::string> ReadSecret(const PlatformConfig& platform, const std::string& key);

}  // namespace idsync
