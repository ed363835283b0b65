// The live snapshot an applied reconcile saves (Store::PutSnapshot): its listing part
// {"complete":B,"users":[{"email","id","status","raw_status","grants"},...]}, users by
// email, grants as reconcile/grants_json.h writes them. The store adds "taken_at" in
// front when it is read back, so readers see
// {"taken_at":N,"complete":B,"users":[...]}, as when the text was stored whole.
#pragma once

#include <cstdint>
#include <string>

#include "core/users.h"

namespace idsync {

// The listing part of the snapshot of `live`. Written straight into one string, no
// JSON tree per user: 100,000 users are about 18 MB of text. Byte for byte what
// nlohmann's dump() of the same values gives; a text that is not valid UTF-8 throws
// nlohmann::json::type_error as that dump does.
std::string SnapshotListingJson(const LiveState& live);

// "sha256:" and the lowercase hex SHA-256 of SnapshotListingJson(live), computed in
// 64 KiB pieces without ever holding the whole text. Throws as SnapshotListingJson.
std::string SnapshotDigest(const LiveState& live);

}  // namespace idsync
