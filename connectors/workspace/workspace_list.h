// Reading a listUsers answer (workspace.md) into its entries, and the entries into a
// LiveState. Internal to the workspace connector.
//
// ReadListUsersFast reads the whole HTTP body with nlohmann's SAX interface, straight
// into the live state: no DOM of a listing that may hold 100,000 users, and no list of
// entries beside the state either. It accepts only an
// answer the DOM reading (workspace_connector.cc) would accept with the same result —
// a JSON object whose data.listUsers has ok: true and activeUsers / invitedUsers lists
// of objects whose required members are strings or null, and no GraphQL error — and
// declines anything else (returns false), so that every failure keeps the DOM
// reading's message. Members it does not read are skipped, whatever they hold.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/users.h"

namespace idsync::workspace_list {

// One activeUsers or invitedUsers entry as listed; null members read as "".
struct Entry {
  std::string uid, email, account_type, invite_status;  // uid: active; invite_status: invited
  std::optional<std::string> name;                      // active, when a string
};

struct Entries {
  std::vector<Entry> active, invited;
};

// True, with `out` filled as ToLiveState(instance, entries) would fill it from the
// entries the DOM reading finds (the same users, the same warnings in the same order),
// when `body` is a listing the DOM reading would accept; false when it declines (`out`
// is then unspecified and nothing was logged). REQUIRES: `out` is empty.
bool ReadListUsersFast(std::string_view body, const std::string& instance, LiveState* out);

// The live state of `entries`: active users (kActive, id = uid, raw "active") first,
// then invitations (EXPIRED kExpired, anything else kPending; a word other than ACTIVE
// or SENT is warned about). Entries without an email are ignored with a warning; an
// email listed twice keeps the more telling entry (active over pending over expired),
// with a warning. `instance` names the platform in warnings.
LiveState ToLiveState(const std::string& instance, Entries entries);

}  // namespace idsync::workspace_list
