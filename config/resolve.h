// From the manifest to the desired users of every platform instance (SPEC §2-3).
#pragma once

#include <map>
#include <string>

#include "config/manifest.h"
#include "core/users.h"

namespace idsync {

// Effective roles: a user's own roles plus their groups' roles. Per platform instance,
// the desired users (a user belongs on P iff an effective role binds P). Multi-valued
// grants are united; single-valued take the most privileged (core/platform.h SingleRank/
// ScopedRank), and DesiredUser::single_from names the role that won when more than one
// role offered a value. Profile: given/family from given_name/family_name, else `name` split
// at its last space. Suspended users are included with suspended=true.
// Every platform instance of the manifest has an entry, empty when nobody belongs on it.
std::map<std::string, DesiredUsers> ResolveDesired(const Manifest& manifest);

// The user's profile: given_name/family_name, each else from `name` split at its last
// space (a one-word name gives neither).
Profile ProfileOf(const User& user);

}  // namespace idsync
