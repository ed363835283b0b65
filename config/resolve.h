// From the manifest to the desired users of every platform instance (SPEC §2-3).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "core/users.h"

namespace idsync {

// Effective roles: a user's own roles plus their groups' roles, through nested groups
// (config/groups.h; the group path of the winning single-valued role is
// DesiredUser::single_via). Per platform instance,
// the desired users (a user belongs on P iff an effective role binds P). Multi-valued
// grants are united; single-valued take the most privileged (core/platform.h SingleRank/
// ScopedRank), and DesiredUser::single_from names the role that won when more than one
// role offered a value. Profile: given/family from given_name/family_name, else (on the
// platform types that read them, core/platform.h UsesPersonNames) `name` split at its last
// space. Suspended users are included with suspended=true.
// Every platform instance of the manifest has an entry, empty when nobody belongs on it.
// Expiry (SPEC §2) does not filter here: nothing in config/ reads the clock. Every
// user is resolved as if nothing had expired, and DesiredUser::expiries lists what each
// `expires:` will change; the planner applies them at PlanOptions::now.
std::map<std::string, DesiredUsers> ResolveDesired(const Manifest& manifest);

// Per platform instance of `desired`, the earliest expiry instant (unix seconds) after
// `now` that changes someone there; nullopt when none (the daemon wakes for it).
std::map<std::string, std::optional<int64_t>> NextExpiry(
    const std::map<std::string, DesiredUsers>& desired, int64_t now);
std::optional<int64_t> NextExpiry(const DesiredUsers& desired, int64_t now);  // one platform

// How a user reaches one effective role, for `explain`: `path` is the groups from the
// user's own group down to the one listing the role (empty: the user lists it), and
// `expires` when it stops counting (the latest of its sources, bounded by the user's
// own expiry; `what` says which entry: "user", "role X", "group G").
struct RoleSource {
  std::string role;
  std::vector<std::string> path;
  std::optional<Expiry> expires;
  std::string what;
};
std::vector<RoleSource> EffectiveRolesOf(const User& user, const std::map<std::string, Group>& groups);

// The user's profile: given_name/family_name, each else from `name` split at its last
// space (a one-word name gives neither).
Profile ProfileOf(const User& user);

}  // namespace idsync
