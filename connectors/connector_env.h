// What a platform's Make…Connector receives from its caller, kept apart from the
// factory so a platform header never includes factory.h (the factory includes them).
#pragma once

#include <functional>
#include <string>

#include "config/manifest.h"
#include "connectors/http/http_client.h"
#include "core/status.h"

namespace idsync {

// What every connector shares. The caller owns it and keeps it alive as long as the
// connectors built with it.
struct ConnectorEnv {
  HttpClient* http = nullptr;
};

// Reads one credential of a platform ("api_key"), so this layer does not depend on how
// config reads secrets. Failures name the platform and the variable or file, never
// the value.
using SecretReader =
    std::function<StatusOr<std::string>(const PlatformConfig&, const std::string& key)>;

}  // namespace idsync
