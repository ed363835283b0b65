#include "connectors/houston/houston_documents.h"

namespace idsync::houston_documents {

const char* const kUsers =
    R"(query Users($cursor: Uuid, $take: Int) { users(cursor: $cursor, take: $take) {
  id username fullName status emails { address primary }
  roleBindings { role workspace { id } deployment { id } } } })";
const char* const kInvites = R"(query Invites { invites { id email role workspace { id } } })";
const char* const kWorkspaces = R"(query Workspaces { workspaces { id label } })";
const char* const kInviteUser =
    R"(mutation InviteUser($email: String!, $role: Role) { inviteUser(email: $email, role: $role) { id } })";
const char* const kWorkspaceAddUser =
    R"(mutation WorkspaceAddUser($workspaceUuid: Uuid!, $email: String!, $role: Role) {
  workspaceAddUser(workspaceUuid: $workspaceUuid, email: $email, role: $role) { id } })";
const char* const kWorkspaceUpdateUserRole =
    R"(mutation WorkspaceUpdateUserRole($workspaceUuid: Uuid!, $email: String!, $role: Role!) {
  workspaceUpdateUserRole(workspaceUuid: $workspaceUuid, email: $email, role: $role) })";
const char* const kWorkspaceRemoveUser =
    R"(mutation WorkspaceRemoveUser($workspaceUuid: Uuid!, $userUuid: Uuid!) {
  workspaceRemoveUser(workspaceUuid: $workspaceUuid, userUuid: $userUuid) { id } })";
const char* const kCreateSystemRoleBinding =
    R"(mutation CreateSystemRoleBinding($userId: Uuid!, $role: Role!) {
  createSystemRoleBinding(userId: $userId, role: $role) { id role } })";
const char* const kDeleteSystemRoleBinding =
    R"(mutation DeleteSystemRoleBinding($userId: Uuid!, $role: Role!) {
  deleteSystemRoleBinding(userId: $userId, role: $role) { id role } })";
const char* const kRemoveUser =
    R"(mutation RemoveUser($userUuid: Uuid!) { removeUser(userUuid: $userUuid) { id } })";
const char* const kDeleteInviteToken =
    R"(mutation DeleteInviteToken($inviteUuid: Uuid!) { deleteInviteToken(inviteUuid: $inviteUuid) { id } })";

}  // namespace idsync::houston_documents
