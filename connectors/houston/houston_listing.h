// Reading Houston's listing answers (houston.md "Listing", "Identity", "Grants",
// "Pending") into idsync's LiveState, plus what a later action needs that LiveUser
// does not carry (every SYSTEM_* binding held, invitation ids).
//
//   users      -> id, primary email (normalised), fullName; grants: single = the most
//                 privileged SYSTEM_* binding, scoped = workspace id -> WORKSPACE_*
//                 role of each binding with a workspace and no deployment (deployment
//                 and USER bindings are ignored). Status kActive; kRetired when the
//                 user holds no grant ("a user with no grants is retired"). raw_status
//                 is Houston's `status`, informational only.
//   invites    -> for an email with no user: kPending, id empty, grants read from its
//                 invitations (system invitation -> single, workspace one -> scoped),
//                 invitation_ids. Invitations of an email that has a user are ignored.
//   workspaces -> catalog: workspace id -> label ("" when null).
//
// Thread-safety: plain functions over values.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/users.h"

namespace idsync::houston {

// What the connector remembers of one person from its last listing.
struct Held {
  std::string user_id;                  // empty for a pending person
  std::set<std::string> system_roles;   // every SYSTEM_* binding held
  std::vector<std::string> invitation_ids;
};

struct Listing {
  LiveState live;
  std::map<std::string, Held> held;  // normalised email -> what is held
};

// Each reads one answer's list (the value of data.users / data.invites /
// data.workspaces) into `out`. REQUIRES for ReadInvites: every users page was read
// first. Returns kInternal (prefixed `what`) when the answer has the wrong shape.
Status ReadUsers(const nlohmann::json& users, const std::string& what, Listing& out);
Status ReadInvites(const nlohmann::json& invites, const std::string& what, Listing& out);
Status ReadWorkspaces(const nlohmann::json& workspaces, const std::string& what, Listing& out);

}  // namespace idsync::houston
