// Plan-time resolution of astra role bindings (astra.md "Role binding in the
// manifest"): each manifest entry is a role ID or a role Name (case-insensitive), and
// the result is the set of role IDs the users listing reports.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "connectors/astra/astra_wire.h"
#include "core/status.h"

namespace idsync::astra_roles {

// The role IDs `entries` name, in the organization whose roles are `roles`. An entry
// equal to a role's ID (ignoring case) is that role; otherwise it is matched against
// the names, ignoring case. Fails with kInvalidArgument, messages prefixed by `what`:
//   an unknown entry:  `<what>: unknown role "X"; valid role names: A, B, C`
//   two roles of that name: `<what>: role name "X" matches 2 roles (ids a, b); use an id`
StatusOr<std::set<std::string>> Resolve(const std::set<std::string>& entries,
                                        const std::vector<astra_wire::Role>& roles,
                                        const std::string& what);

// Role Name -> ID, names as the API spells them (LiveState::catalog). When two roles
// share a name exactly, the first listed wins here; Resolve sees both.
std::map<std::string, std::string> Catalog(const std::vector<astra_wire::Role>& roles);

// The roles a catalog describes (for a LiveState built without a listing).
std::vector<astra_wire::Role> FromCatalog(const std::map<std::string, std::string>& catalog);

}  // namespace idsync::astra_roles
