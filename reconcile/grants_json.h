// Grants as JSON, the one encoding used by plans (render.h, PLAN_FORMAT.md) and by the
// state layer for last applied grants:
//   {"single": "DEVELOPER", "scoped": {"ckws1": "WORKSPACE_EDITOR"}, "set": ["a", "b"]}
// Empty parts are omitted; empty grants are {}. Keys in that order, set sorted.
#pragma once

#include <string>
#include <string_view>

#include "core/grants.h"
#include "core/status.h"

namespace idsync {

// Compact JSON text. Never fails.
std::string GrantsToJson(const Grants& grants);

// Appends GrantsToJson(grants) to `out`, written without a JSON tree (the live snapshot
// writes one per user). Throws nlohmann::json::type_error on text that is not UTF-8,
// as GrantsToJson does.
void AppendGrantsJson(std::string& out, const Grants& grants);

// Appends `text` as a JSON string, byte for byte as nlohmann's dump() writes it (no
// ASCII escaping): runs of plain characters copied whole, the escapes written here, and
// text with a byte above 0x7F through dump() itself, which judges its UTF-8 and throws
// nlohmann::json::type_error when it is not.
void AppendJsonString(std::string& out, std::string_view text);

// Parses what GrantsToJson writes. Unknown keys and wrong types are InvalidArgument
// errors that say what was wrong; never throws.
StatusOr<Grants> GrantsFromJson(const std::string& json);

}  // namespace idsync
