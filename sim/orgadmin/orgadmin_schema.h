// The orgadmin platform's schema: a copy of platforms/orgadmin.graphql, embedded so the
// simulator needs no files at run time. tests/sim/orgadmin checks it matches the original.
#pragma once

#include <string_view>

namespace idsync::sim {

inline constexpr std::string_view kOrgadminSchema = R"sdl(# orgadmin — Fluxweave "Administration GraphQL": the part idsync uses (see orgadmin.md).

"Canonical UUID string (8-4-4-4-12 hex, any case)."
scalar Uuid

type UserSearch {
  id: Uuid!
  email: String!
  name: String
  timezone: String
}

type GroupUser {
  userId: Uuid!
  groupId: Uuid!
  "The member's org status: active | retired"
  status: String!
  userName: String
}

"error null: success. error set: the platform refused (see orgadmin.md)."
type MutationResult {
  id: Uuid
  result: String
  records: Int
  error: String
}

type Query {
  "At least one argument; at most 10 rows; name needs 3 characters or more."
  findUserBy(email: String, externalId: String, mobile: String, name: String): [UserSearch!]!
  "Unscoped (neither groupId nor userId): at most 500 rows."
  groupUsers(org: Uuid!, groupId: Uuid, userId: Uuid): [GroupUser!]!
}

type Mutation {
  createUser(
    org: Uuid!
    email: String!
    first: String!
    last: String!
    mobile: String
    name: String
    groupId: Uuid
    externalId: String
  ): MutationResult!
  "role: user | admin"
  addOrgMember(org: Uuid!, orgId: Uuid, userId: Uuid!, role: String!, externalId: String): MutationResult!
  addUserToOrg(org: Uuid!, orgId: Uuid, userId: Uuid!, role: String!, externalId: String): MutationResult!
    @deprecated(reason: "Alias of addOrgMember.")
  "status: active | retired; role: user | admin"
  updateMember(org: Uuid!, userId: Uuid!, status: String!, role: String!, externalId: String): MutationResult!
  addGroupMembership(org: Uuid!, userId: Uuid!, groupId: Uuid!): MutationResult!
  removeGroupMembership(org: Uuid!, userId: Uuid!, groupId: Uuid!): MutationResult!
}
)sdl";

}  // namespace idsync::sim
