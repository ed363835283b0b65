// The houston platform's schema: a copy of platforms/houston.graphql, embedded so the
// simulator needs no files at run time. tests/sim/houston checks it matches the original.
#pragma once

#include <string_view>

namespace idsync::sim::houston {

inline constexpr std::string_view kSchema = R"sdl(# houston — Astronomer Software, Houston API: the part idsync uses (see houston.md).

"Opaque string id, in practice a cuid such as ckc0eir8e01gj07608ajmvia1."
scalar Uuid

"ISO-8601 UTC timestamp, e.g. 2024-05-01T12:00:00.000Z."
scalar DateTime

enum Role {
  SYSTEM_ADMIN
  SYSTEM_EDITOR
  SYSTEM_VIEWER
  WORKSPACE_ADMIN
  WORKSPACE_EDITOR
  WORKSPACE_VIEWER
  DEPLOYMENT_ADMIN
  DEPLOYMENT_EDITOR
  DEPLOYMENT_VIEWER
  USER
}

type Email {
  address: String!
  primary: Boolean!
  verified: Boolean!
}

type Workspace {
  id: Uuid!
  label: String
}

type Deployment {
  id: Uuid!
  label: String
}

"A system binding has neither workspace nor deployment."
type RoleBinding {
  id: Uuid!
  role: Role!
  workspace: Workspace
  deployment: Deployment
}

type User {
  id: Uuid!
  "Same value as id."
  uuid: Uuid
  username: String!
  emails: [Email!]!
  fullName: String
  "active | pending | banned | inactive"
  status: String!
  roleBindings: [RoleBinding!]!
  createdAt: DateTime!
  updatedAt: DateTime!
}

"A pending invitation; workspace is null for a system-level invitation."
type Invite {
  id: Uuid!
  email: String!
  role: Role
  workspace: Workspace
  createdAt: DateTime!
}

input UserSearch {
  userId: Uuid
  userUuid: Uuid
  username: String
  email: String
  fullName: String
}

input InviteSearch {
  email: String
  workspaceUuid: Uuid
}

type Query {
  "Ordered by id; cursor = id of the last user of the previous page; take 1..1000, default 100."
  users(user: UserSearch, cursor: Uuid, take: Int): [User!]!
  invites(invite: InviteSearch): [Invite!]!
  workspaces: [Workspace!]!
}

type Mutation {
  inviteUser(email: String!, role: Role): Invite
  workspaceAddUser(
    workspaceUuid: Uuid!
    email: String!
    role: Role = WORKSPACE_VIEWER
    bypassInvite: Boolean
  ): Workspace
  workspaceUpdateUserRole(workspaceUuid: Uuid!, email: String!, role: Role!): Role
  workspaceRemoveUser(workspaceUuid: Uuid!, userUuid: Uuid!): Workspace
  createSystemRoleBinding(userId: Uuid!, role: Role!): RoleBinding
  deleteSystemRoleBinding(userId: Uuid!, role: Role!): RoleBinding
  removeUser(userUuid: Uuid!): User
  deleteInviteToken(inviteUuid: Uuid!): Invite
}
)sdl";

}  // namespace idsync::sim::houston
