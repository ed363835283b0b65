// The `workspace` platform (platforms/workspace.md) at POST /workspace/graphql:
// X-API-KEY + X-API-SECRET auth (else HTTP 401), listUsers, inviteUser,
// updateUserAccountType, disableUser. Seed section: see workspace_seed.h.
//
// Control actions (POST /_sim/workspace/<action>):
//   accept {email[, name]}            invitation -> active user with a new uid
//   expire {email}                    invitation -> inviteStatus EXPIRED
//   drift {email, accountType}        change a user (or invitation) behind idsync's back
//   users {email, accountType[, name][, uid]}   add an active user directly
//   invitations {email, accountType[, inviteStatus]}  add an invitation directly
//   disable {email}                   disable an active user
// Counters (GET /_sim/counters, sim/platform_base.h): listUsers, inviteUser,
// updateUserAccountType, disableUser, requests, mutations, unauthorized, rejected;
// effects: inviteUser, updateUserAccountType, disableUser answered ok: true.
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeWorkspacePlatform();

}  // namespace idsync::sim
