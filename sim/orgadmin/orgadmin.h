// The `orgadmin` platform of idsync-sim (../shared/platforms/orgadmin.md): Fluxweave's
// "Administration GraphQL" at POST /orgadmin/graphql, schema orgadmin.graphql.
//
// Wire behaviour (orgadmin.md "Transport and auth"):
//   - `Authorization: Bearer <token>` missing or wrong: HTTP 401
//     {"errors": [{"message": "unauthenticated"}]}.
//   - A body, document, validation or variable error (including `invalid Uuid`): HTTP 200
//     {"errors": [{"message", "locations"}]} without data.
//   - A refused query argument (findUserBy rules, `group not found`) or an `org` other
//     than the seeded one (`forbidden`): HTTP 200 {"data": null, "errors":
//     [{"message", "path"}]}.
//   - Mutations answer a MutationResult; refusals set `error` (orgadmin.md's table).
//
// Seed section `orgadmin:`: see orgadmin_seed.h.
//
// Control actions (POST /_sim/orgadmin/<action>, JSON body; answers the changed state):
//   drift   {email, role?, status?}  change a membership behind idsync's back
//   users   {email, first, last, name?, mobile?, id?}  add a global user
//   members {email, role, status?, externalId?, groups?}  add a membership (status
//           defaults to active); the user must exist
//   groups  {id, name}  add a group to the org
// Counters: one per root field (findUserBy, groupUsers, createUser, addOrgMember,
// addUserToOrg, updateMember, addGroupMembership, removeGroupMembership), plus
// requests, mutations (root mutation fields run) and unauthorized. effects: one per
// mutation, the calls whose MutationResult has no `error` (a repeat is refused:
// "email already exists", "already a member", so each creation counts once).
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeOrgadminPlatform();

}  // namespace idsync::sim
