// The GraphQL documents idsync sends to Houston, verbatim as
// ../shared/platforms/houston.md lists them ("The requests idsync sends"); a test
// checks each one is found in that file character for character.
#pragma once

namespace idsync::houston_documents {

extern const char* const kUsers;
extern const char* const kInvites;
extern const char* const kWorkspaces;
extern const char* const kInviteUser;
extern const char* const kWorkspaceAddUser;
extern const char* const kWorkspaceUpdateUserRole;  // returns a bare Role
extern const char* const kWorkspaceRemoveUser;
extern const char* const kCreateSystemRoleBinding;
extern const char* const kDeleteSystemRoleBinding;
extern const char* const kRemoveUser;
extern const char* const kDeleteInviteToken;

}  // namespace idsync::houston_documents
