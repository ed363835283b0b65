// Grants as an nlohmann::ordered_json value, for the JSON renderer and the daemon's live
// snapshot (the public text encoding is grants_json.h).
#pragma once

#include <nlohmann/json.hpp>

#include "core/grants.h"

namespace idsync {

nlohmann::ordered_json GrantsToJsonValue(const Grants& grants);

}  // namespace idsync
