// The `houston` connector: Astronomer Software's Houston API exactly as
// ../shared/platforms/houston.md describes it. One GraphQL endpoint, `Authorization:
// <raw api key>` on every request, the documents of houston_documents.h.
//
//   List         Workspaces (catalog), Users paged with take 1000 from no cursor until
//                a page shorter than take, then Invites; read as houston_listing.h says.
//   Resolve      every desired workspace id must be in the catalog; otherwise an error
//                naming the unknown ids and listing the valid ones.
//   Invite       inviteUser(email, system role) when a system role is desired, then
//                workspaceAddUser per desired workspace in id order.
//   ChangeGrants per user, adds then changes then removals: workspaceAddUser for a new
//                workspace, createSystemRoleBinding for a new system role,
//                workspaceUpdateUserRole for a changed workspace role,
//                workspaceRemoveUser for a dropped workspace, deleteSystemRoleBinding
//                for every other SYSTEM_* binding held when the system role changed.
//   Retire       active user: workspaceRemoveUser per workspace, deleteSystemRoleBinding
//                per SYSTEM_* binding; the account stays. Pending: deleteInviteToken
//                per invitation.
//   Reactivate   grants `after` again (ChangeGrants from `before`).
//   Remove       removeUser(userUuid); pending: deleteInviteToken per invitation.
//   Update       not implemented (the platform cannot; GuardedConnector refuses it).
// "Already there" (DUPLICATE_EMAIL, USER_ALREADY_INVITED on an invite or add) and
// "already gone" (RESOURCE_NOT_FOUND on a removal) are success. Each call stops at its
// first failure; everything it sends is safe to send again. FORBIDDEN (e.g. the last
// SYSTEM_ADMIN) fails with the server's message. Errors arrive with HTTP 200 and
// extensions.code; only INTERNAL_SERVER_ERROR is retryable (kUnavailable).
//
// The SYSTEM_* bindings a user holds beyond the most privileged one, and a pending
// person's invitation ids, come from the last List (an Action does not carry them);
// when that listing does not know the person, the Action's grants (and a fresh Invites
// query for invitation ids) are used.
//
// Failure messages: "houston <instance>: <operation> <email>: <server message> (<CODE>)".
// The api key never appears in a log line; GuardedConnector scrubs it from every Status.
//
// Thread-safety: every call may run concurrently; the remembered listing is guarded
// by a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/connector_env.h"
#include "connectors/houston/houston_listing.h"
#include "connectors/http/graphql.h"
#include "connectors/http/http_client.h"

namespace idsync {

// Reads the platform's credentials through `secrets` and builds its connector over
// env.http.
StatusOr<std::unique_ptr<Connector>> MakeHoustonConnector(const PlatformConfig& config,
                                                          const SecretReader& secrets,
                                                          ConnectorEnv env);

class HoustonConnector : public Connector {
 public:
  static constexpr int kPageSize = 1000;  // `take` of every Users request

  // REQUIRES: `http` outlives the connector. `instance` is the platform instance name.
  HoustonConnector(std::string instance, std::string url, std::string api_key, HttpClient& http);

  PlatformType type() const override { return PlatformType::kHouston; }
  StatusOr<LiveState> List(const ListContext& context) override;
  StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) override;
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Retire(const Action& action) override;
  Status Reactivate(const Action& action) override { return ChangeGrants(action); }
  Status Remove(const Action& action) override;

 private:
  StatusOr<houston::Listing> ListAll() const;
  Status DeleteInvitations(const Action& action, const std::string& what) const;

  // One mutation. OK when the answer has no error, or its first error's code is in
  // `done` (logged as already done); otherwise the error as a Status.
  Status Mutate(const char* document, const char* operation, const nlohmann::json& variables,
                const std::string& what, const std::vector<std::string>& done) const;

  // From the last listing: every SYSTEM_* role `action`'s user holds (at least
  // before.single), and the invitation ids of a pending person (nullopt: not known).
  std::set<std::string> SystemRolesHeld(const Action& action) const;
  // deleteSystemRoleBinding of `role` for `user_id`; a binding already gone is done.
  Status DeleteSystemRole(const nlohmann::json& user_id, const std::string& role,
                          const std::string& what) const;
  std::optional<std::vector<std::string>> InvitationIds(const std::string& email) const;

  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const GraphQLClient graphql_;
  mutable std::mutex mu_;
  std::map<std::string, houston::Held> held_;  // guarded by mu_; from the last List
};

}  // namespace idsync
