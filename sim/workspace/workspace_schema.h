// The workspace platform's schema: a copy of platforms/workspace.graphql, embedded so
// the simulator needs no files at run time. tests/sim checks it matches the original.
#pragma once

#include <string_view>

namespace idsync::sim {

inline constexpr std::string_view kWorkspaceSchema = R"sdl(# workspace — the workspace "User Management API": the part idsync uses (see workspace.md).

"Privilege order, highest first: the order of the values."
enum UserAccountType {
  ADMIN
  WORKSPACE_ADMIN
  SECURITY_ADMIN
  WORKSPACE_SETTINGS_ADMIN
  BILLING_ADMIN
  DEVELOPER
  ANALYST
  BUSINESS
  SANDBOX_USER
}

type ActiveUser {
  "64-character lowercase hex."
  uid: String!
  email: String!
  name: String
  accountType: UserAccountType!
}

type InvitedUser {
  email: String!
  accountType: UserAccountType!
  "ACTIVE | SENT (pending) | EXPIRED; other values are treated as pending."
  inviteStatus: String!
}

type ListUsersResult {
  ok: Boolean!
  activeUsers: [ActiveUser!]!
  invitedUsers: [InvitedUser!]!
}

type OkResult {
  ok: Boolean!
}

type Query {
  listUsers: ListUsersResult!
}

type Mutation {
  inviteUser(email: String!, accountType: UserAccountType!): OkResult!
  updateUserAccountType(uid: String!, accountType: UserAccountType!): OkResult!
  disableUser(uid: String!): OkResult!
}
)sdl";

}  // namespace idsync::sim
