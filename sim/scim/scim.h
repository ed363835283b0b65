// The `scim` platform of idsync-sim (../shared/platforms/scim.md), a SCIM 2.0 service
// provider under /scim/v2:
//   GET    /ServiceProviderConfig            patch, filter (supported, maxResults)
//   GET    /Users?startIndex=&count=         ListResponse pages (count capped at maxResults)
//   GET    /Users?filter=userName eq "..."   0 or 1 user; any other filter 400 invalidFilter
//   POST   /Users                            201 User; 409 uniqueness (userName, any case)
//   GET / PATCH / DELETE /Users/{id}         PATCH paths active, name.givenName,
//                                            name.familyName, displayName, externalId (or a
//                                            path-less object); DELETE 204; 404 when unknown
//   GET    /Groups?startIndex=&count=        Groups with members
//   PATCH  /Groups/{id}                      add/replace `members` [{value}], remove
//                                            `members[value eq "<id>"]` (or `members` + value)
// Every answer is application/scim+json; failures are SCIM errors ({schemas: [Error],
// status: "<n>", scimType?, detail}); a missing or wrong `Authorization: Bearer <token>`
// is a 401 SCIM error. PATCH answers 501 when the seed's config.patch is false.
//
// Seed section `scim:`: see scim_seed.h. A hidden user is left out of unfiltered
// listings (as a provider that lists only what this client created) but holds its
// userName and is found by filter and by id.
//
// Control actions (POST /_sim/scim/<action>):
//   users {userName, ...as in the seed}      add a user directly (400 on a clash)
//   drift {userName, active?, groups?}       change a user behind idsync's back: active,
//                                            and/or exactly these group memberships
//   config {filter?, maxResults?, patch?}    change the ServiceProviderConfig
// Counters: getServiceProviderConfig, listUsers, findUser, getUser, createUser,
// patchUser, deleteUser, listGroups, getGroup, patchGroup, plus requests, mutations
// (authorised POST/PATCH/DELETE) and unauthorized. effects: createUser, patchUser,
// deleteUser, patchGroup answered 2xx (a second POST of a userName is 409 and no
// effect; a PATCH that adds a member already there answers 200 and counts).
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeScimPlatform();

}  // namespace idsync::sim
