// The live snapshot an applied reconcile saves (Store::PutSnapshot): the listing as
// {"taken_at":N,"complete":B,"users":[{"email","id","status","raw_status","grants"},...]},
// users by email, grants as reconcile/grants_json.h writes them.
#pragma once

#include <cstdint>
#include <string>

#include "core/users.h"

namespace idsync {

// The snapshot of `live` taken at `now` (unix seconds). Written straight into one
// string, no JSON tree per user: 100,000 users are about 18 MB of text. Byte for byte
// what nlohmann's dump() of the same values gives; a text that is not valid UTF-8
// throws nlohmann::json::type_error as that dump does.
std::string SnapshotJson(const LiveState& live, int64_t now);

}  // namespace idsync
