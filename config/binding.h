// A role's binding for one platform instance (SPEC §2, platforms/*.md "Role binding in
// the manifest"), checked as far as possible without the network and turned into the
// Grants shape of core/grants.h.
#pragma once

#include <optional>
#include <string_view>

#include "config/yaml_read.h"
#include "core/grants.h"
#include "core/platform.h"

namespace idsync {

// Returns the grants the binding `value` gives on a platform of `type`, or nullopt
// after reporting every problem through `reader`.
std::optional<Grants> ParseBinding(YamlReader& reader, PlatformType type, NodeId value);

// A canonical UUID: 8-4-4-4-12 hex digits, any case.
bool IsUuid(std::string_view text);

}  // namespace idsync
