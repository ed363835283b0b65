// The `workspace` connector: the workspace "User Management API" exactly as
// ../shared/platforms/workspace.md describes it. One GraphQL endpoint, X-API-KEY and
// X-API-SECRET on every request, the four documented operations verbatim.
//
//   List        listUsers: activeUsers -> kActive (id = uid, grants.single =
//               accountType); invitedUsers -> kPending (ACTIVE, SENT, anything else
//               with a warning) or kExpired (EXPIRED), id empty.
//   Invite      inviteUser(email, accountType = after.single), for kInvite and kReinvite.
//               On ok: false, lists again: the email present (pending or active) is
//               success, since an invite whose first answer was lost is done.
//   ChangeGrants updateUserAccountType(uid = user_id, accountType = after.single).
//   Retire      disableUser(uid = user_id).
//   Reactivate, Remove, Update: FailedPrecondition (the platform cannot; the planner
//               never asks).
// ok: false on a mutation is a failure unless listing again shows the change is already
// there (account type already set; user no longer listed after a disable).
//
// Failure messages: "workspace <instance>: <operation> <email>: <API's message>".
// Credentials never appear in a message or a log line.
//
// Thread-safety: immutable after construction; every call may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/graphql.h"
#include "connectors/http/http_client.h"

namespace idsync {

namespace workspace_documents {
// The documented operations, verbatim (workspace.md "The documented examples").
extern const char* const kListUsers;
extern const char* const kInviteUser;
extern const char* const kUpdateUserAccountType;
extern const char* const kDisableUser;
}  // namespace workspace_documents

struct WorkspaceCredentials {
  std::string api_key;
  std::string api_secret;
};

class WorkspaceConnector : public Connector {
 public:
  // REQUIRES: `http` outlives the connector. `instance` is the platform instance name.
  WorkspaceConnector(std::string instance, std::string url, const WorkspaceCredentials& credentials,
                     HttpClient& http);

  PlatformType type() const override { return PlatformType::kWorkspace; }
  StatusOr<LiveState> List(const ListContext& context) override;
  Status Invite(const Action& action) override { return Scrub(DoInvite(action)); }
  Status ChangeGrants(const Action& action) override { return Scrub(DoChangeGrants(action)); }
  Status Retire(const Action& action) override { return Scrub(DoRetire(action)); }
  Status Reactivate(const Action& action) override;
  Status Remove(const Action& action) override;
  Status Update(const Action& action) override;

 private:
  Status DoInvite(const Action& action) const;
  Status DoChangeGrants(const Action& action) const;
  Status DoRetire(const Action& action) const;
  StatusOr<LiveState> ListUsers() const;
  // The credentials never leave in a message, even when the API echoes them.
  Status Scrub(const Status& status) const { return ScrubSecrets(status, secrets_); }
  // Runs a mutation returning OkResult at `field`; returns whether ok was true, or the
  // failure. `refusal` receives the server's message for ok: false ("" if none).
  StatusOr<bool> Mutate(const char* document, const char* operation, const char* field,
                        const nlohmann::json& variables, const std::string& what,
                        std::string* refusal) const;
  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const std::vector<std::string> secrets_;
  const GraphQLClient graphql_;
};

}  // namespace idsync
