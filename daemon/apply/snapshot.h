// The live snapshot an applied reconcile saves (Store::PutSnapshot): its listing part
// {"complete":B,"users":[{"email","id","status","raw_status","grants"},...]}, users by
// email, grants as reconcile/grants_json.h writes them. The store adds "taken_at" in
// front when it is read back, so readers see
// {"taken_at":N,"complete":B,"users":[...]}, as when the text was stored whole.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
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

// The users' emails of a snapshot text (as Store::Snapshot gives it) that says
// "complete":true; nullopt when it is partial, not JSON or not that shape. Read with
// nlohmann's SAX parser: no JSON tree of the whole listing (a million users would be
// about a gigabyte of tree).
std::optional<std::set<std::string>> CompleteListingEmails(const std::string& snapshot);

}  // namespace idsync
