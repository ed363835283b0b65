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
//   Reactivate, Remove, Update: not implemented (the platform cannot; the planner
//               never asks, and GuardedConnector refuses them).
// ok: false on a mutation is a failure unless listing again shows the change is already
// there (account type already set; user no longer listed after a disable).
//
// Failure messages: "workspace <instance>: <operation> <email>: <API's message>".
// Credentials never appear in a log line; MakeConnector's GuardedConnector scrubs
// them from every Status.
//
// Thread-safety: immutable after construction; every call may run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/connector_env.h"
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
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Retire(const Action& action) override;

 private:
  StatusOr<LiveState> ListUsers() const;
  // A listUsers answer held whole: read as ReadListUsersFast does, else judged by the
  // DOM reading, which says what is wrong with it.
  StatusOr<LiveState> ReadHeld(const HttpResponse& response, const std::string& what) const;
  // Runs a mutation returning OkResult at `field`; returns whether ok was true, or the
  // failure. `refusal` receives the server's message for ok: false ("" if none).
  StatusOr<bool> Mutate(const char* document, const char* operation, const char* field,
                        const nlohmann::json& variables, const std::string& what,
                        std::string* refusal) const;
  // Mutate; when ok is false, lists again and succeeds if `done` holds for the email's
  // entry (nullptr: not listed), else fails "<what>: <field> returned ok: false[: reason]".
  Status MutateOrConfirm(const char* document, const char* operation, const char* field,
                         const nlohmann::json& variables, const std::string& what,
                         const std::string& email,
                         const std::function<bool(const LiveUser*)>& done) const;
  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const GraphQLClient graphql_;
};

// Reads the platform's api_key and api_secret through `secrets` and builds its
// connector over env.http.
StatusOr<std::unique_ptr<Connector>> MakeWorkspaceConnector(const PlatformConfig& config,
                                                            const SecretReader& secrets,
                                                            ConnectorEnv env);

}  // namespace idsync
