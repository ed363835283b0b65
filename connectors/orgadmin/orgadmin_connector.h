// The `orgadmin` connector: Fluxweave's "Administration GraphQL" exactly as
// ../shared/platforms/orgadmin.md describes it (requests in orgadmin_api.h).
//
// The platform cannot list an org's members or read a member's role, so:
//   List        LiveState.complete = false. groupUsers(org, groupId) for each managed
//               group (the groups of every desired user and of every managed account);
//               findUserBy(email) for each desired user (and managed account) whose id
//               is neither in the managed record nor in ListContext.ids, caching what it
//               finds. A found user is not a member: membership is what idsync last
//               applied. Live users: every managed account (status from the groups it
//               was seen in, else last applied), every desired user seen in a managed
//               group (adopted), and every other member of a managed group as an
//               unmanaged "userId:<uuid>" entry (name = userName). grants.single is
//               nullopt (unreadable: the planner uses last applied); grants.set holds
//               the managed groups the member was seen in. catalog: group id -> "" for
//               each group that exists.
//   Resolve     every desired group must be in the catalog, else an error naming it.
//   Invite      no known id: createUser (`email already exists`: findUserBy, then as
//               found), plus updateMember(active, admin) for an admin; known id:
//               addOrgMember(role), and after `already a member` updateMember(active,
//               role). Then addGroupMembership per group. An id an invite learns is
//               remembered and put in ListContext.ids at the next List (the cache only
//               lives through a List call), so a one-shot `apply` that created a user
//               looks its id up once in the next process.
//   ChangeGrants updateMember(active, role) when the role changes or nothing else does
//               (re-assertion, before == after); add/removeGroupMembership for groups.
//   Retire      updateMember(retired, role = before.single, the last applied role);
//               groups kept. No role known (never applied; the platform cannot read
//               one): FailedPrecondition and nothing sent, never a guessed role.
//   Reactivate  updateMember(active, after.single), then group changes.
//   Remove, Update: not implemented (the platform cannot; the planner never asks, and
//               GuardedConnector refuses them).
// A MutationResult error is a failure naming the platform's message, except
// `already a member` (adding) and `not a member` (removing from a group, retiring).
// `not a member` anywhere else is kAborted: a failure after which the caller forgets
// the membership (orgadmin.md), so the next reconcile adds the member back.
//
// Failure messages: "orgadmin <instance>: <operation> <email>: <API's message>".
// The token never appears in a log line; GuardedConnector scrubs it from every Status.
//
// Thread-safety: every call may run concurrently; the ids learnt are guarded by a mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "connectors/connector.h"
#include "connectors/connector_env.h"
#include "connectors/orgadmin/orgadmin_api.h"

namespace idsync {

class OrgadminConnector : public Connector {
 public:
  // REQUIRES: `http` outlives the connector. `org` is the org uuid of the platform block.
  OrgadminConnector(std::string instance, std::string url, std::string org, std::string token,
                    HttpClient& http);

  PlatformType type() const override { return PlatformType::kOrgadmin; }
  StatusOr<LiveState> List(const ListContext& context) override;
  StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) override;
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Retire(const Action& action) override;
  Status Reactivate(const Action& action) override;

 private:
  struct Listing;  // List's working state (orgadmin_list.cc)

  // The id of `email`: the action's, else one learnt by List or an invite.
  std::optional<std::string> KnownId(const Action& action);
  // Remembers an id an action learnt; the next List caches it.
  void Learn(const std::string& email, const std::string& id);

  // Runs a mutation; OK when it succeeded or its error is in `done` (already done).
  Status Run(const char* document, const char* operation, const char* field,
             nlohmann::json variables, const std::string& what,
             std::initializer_list<const char*> done, OrgadminMutation* out = nullptr);
  Status SetMember(const std::string& user_id, const char* status, const std::string& role,
                   const std::optional<std::string>& external_id, const std::string& what,
                   std::initializer_list<const char*> done);
  Status ChangeGroups(const std::string& user_id, const Grants& from, const Grants& to,
                      const std::string& what);

  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const OrgadminApi api_;
  std::mutex mu_;
  std::map<std::string, std::string> known_ids_;  // email -> user id; guarded by mu_
  std::map<std::string, std::string> to_cache_;   // learnt by actions; guarded by mu_
};

// Reads credentials.token and builds the connector over env.http. Fails when `org` is
// missing or the token cannot be read.
StatusOr<std::unique_ptr<Connector>> MakeOrgadminConnector(const PlatformConfig& config,
                                                           const SecretReader& secrets,
                                                           ConnectorEnv env);

}  // namespace idsync
