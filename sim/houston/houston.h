// The `houston` platform of idsync-sim (../shared/platforms/houston.md) at
// POST /houston/v1: the schema of houston.graphql, `Authorization: <api key>` or
// `Bearer <api key>` (otherwise every field fails with UNAUTHENTICATED, HTTP 200),
// users paged by id (cursor/take 1..1000, default 100) and filtered by UserSearch,
// invites, workspaces, and every mutation of houston.md with its documented refusals
// (BAD_USER_INPUT, DUPLICATE_EMAIL, USER_ALREADY_INVITED, RESOURCE_NOT_FOUND,
// FORBIDDEN for the last SYSTEM_ADMIN). Documents that do not parse or validate get
// HTTP 400 (GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED / BAD_USER_INPUT).
// Seed section: see houston_seed.h and examples/sim-seed.houston.yaml.
//
// Control actions (POST /_sim/houston/<action>, JSON body):
//   accept {email[, fullName]}     sign-up: an active user (username = email, primary
//                                  verified email), a binding per invitation; the
//                                  email's invitations are deleted. 404 without any.
//   drift {email[, system][, workspaces]}   replace a user's system bindings (a role,
//                                  a list, or null for none) and/or workspace bindings
//                                  ({id: role}) behind idsync's back
//   users {email, fullName?, status?, id?, system?, workspaces?, deployments?}
//                                  add a user directly (a seed user entry)
//   invites {email, role?, workspace?}   add an invitation directly
// Counters (GET /_sim/counters): one per root field (users, invites, workspaces,
// inviteUser, ...), plus requests, mutations (mutation fields run with a valid key),
// unauthorized (requests without a valid key) and rejected (HTTP 400 answers).
// effects: one per mutation, the calls answered without an error (not refused). An
// invitation or a user is made once: a repeat is refused (USER_ALREADY_INVITED,
// DUPLICATE_EMAIL) and is no effect; an idempotent repeat that answers without an
// error (createSystemRoleBinding of a binding the user has) counts.
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeHoustonPlatform();

}  // namespace idsync::sim
