// Grants as JSON, the one encoding used by plans (render.h, PLAN_FORMAT.md) and by the
// state layer for last applied grants:
//   {"single": "DEVELOPER", "scoped": {"ckws1": "WORKSPACE_EDITOR"}, "set": ["a", "b"]}
// Empty parts are omitted; empty grants are {}. Keys in that order, set sorted.
#pragma once

#include <string>

#include "core/grants.h"
#include "core/status.h"

namespace idsync {

// Compact JSON text. Never fails.
std::string GrantsToJson(const Grants& grants);

// Parses what GrantsToJson writes. Unknown keys and wrong types are InvalidArgument
// errors that say what was wrong; never throws.
StatusOr<Grants> GrantsFromJson(const std::string& json);

}  // namespace idsync
