// The `astra` platform of idsync-sim (../shared/platforms/astra.md), one organization
// under /astra/v2:
//   GET    /astra/v2/organizations/users              200 {OrgID, OrgName, Users}
//   GET    /astra/v2/organizations/users/{id}         200 user, 404
//   PUT    /astra/v2/organizations/users              invite: 200 user (Status invited);
//          an invited email: 200, invited again, roles replaced, UserID kept; an active
//          member: 409; empty or unknown roles: 422; orgID not the token's: 403
//   PUT    /astra/v2/organizations/users/{id}/roles   204; 404; 422 empty/unknown ids
//   DELETE /astra/v2/organizations/users/{id}         204; 404
//   GET    /astra/v2/organizations/roles              200 [{ID, Name, Policy}]
//   GET    /astra/v2/currentOrg                       200 {id, name}
// `Authorization: Bearer <seeded token>` on every request, else 401. Request bodies
// are read strictly: not JSON, not an object, an unknown key, a value of the wrong
// type or a Content-Type other than application/json: 400; a missing key: 422. Every
// non-2xx answer (unknown paths under /astra too) has the body
// {"errors": [{"ID": <status>, "message": "..."}]}.
//
// Seed: see sim/astra/astra_seed.h and examples/sim-seed.astra.yaml.
//
// Control actions (POST /_sim/astra/<action>), each answering the changed user in the
// state's shape, or {"error"} with 400 (bad body), 404 (no such user) or 409:
//   accept {email}                          invited -> active, same UserID
//   drift  {email, roles: [names]}          replace a user's roles behind idsync's back
//   users  {email, roles: [names][, status: active|invited][, id]}  add a user directly
//
// Counters: listUsers, getUser, inviteUser, setRoles, deleteUser, listRoles,
// currentOrg (authorised requests per operation), requests (every request),
// mutations (authorised PUT and DELETE requests), unauthorized (401 answers).
// effects: inviteUser, setRoles, deleteUser answered 2xx (an invitation sent again
// to an invited email answers 200 and counts: it is sent again).
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeAstraPlatform();

}  // namespace idsync::sim
