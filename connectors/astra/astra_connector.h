// The `astra` connector: DataStax Astra DevOps API v2 organization users exactly as
// ../shared/platforms/astra.md describes them. REST + JSON under the manifest's url;
// every request carries `Authorization: Bearer <token>` and `Accept: application/json`,
// those with a body also `Content-Type: application/json`.
//
//   List        GET /v2/organizations/users + GET /v2/organizations/roles, once each.
//               Users -> LiveUser (id = UserID, email normalised, Status active ->
//               kActive, invited -> kPending, anything else -> kActive with a warning;
//               grants.set = role IDs); catalog = role Name -> ID. When the platform's
//               `org` is set and is not the listed OrgID: an error, nothing applied.
//   Resolve     manifest entries (role Names, case-insensitive, or IDs) -> role IDs
//               (astra_roles.h), from the roles of the last List.
//   Invite      PUT /v2/organizations/users {"email", "orgID", "roles"}: the email as
//               written in the manifest, `org` or the listed OrgID, the ids sorted.
//               409 (already a member) is success: the grants converge next reconcile.
//   ChangeGrants PUT /v2/organizations/users/{UserID}/roles {"roles"} (invited too).
//   Remove      DELETE /v2/organizations/users/{UserID} (also cancels an invitation);
//               404 is success (already gone).
//   Retire, Reactivate, Update: not implemented (astra cannot; the planner never asks,
//               and GuardedConnector refuses them).
//
// Failure messages: "astra <instance>: <operation> <email>: HTTP <code>: <API message>",
// codes from MapHttpCodeToStatus. Only 429 and 5xx are retried, by the HTTP layer.
// The token never appears in a log line; GuardedConnector scrubs it from every Status.
//
// Thread-safety: every call may run concurrently; what the last List learned (OrgID,
// roles) is guarded by a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/astra/astra_wire.h"
#include "connectors/connector.h"
#include "connectors/connector_env.h"
#include "connectors/http/http_client.h"

namespace idsync {

class AstraConnector : public Connector {
 public:
  // REQUIRES: `http` outlives the connector. `url` is the API base (no /v2); `org` the
  // platform block's optional organization id.
  AstraConnector(std::string instance, std::string url, std::string token,
                 std::optional<std::string> org, HttpClient& http);

  PlatformType type() const override { return PlatformType::kAstra; }
  StatusOr<LiveState> List(const ListContext& context) override;
  StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) override;
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Remove(const Action& action) override;

 private:
  // Sends one request; a transport failure becomes a Status prefixed by `what`.
  StatusOr<HttpResponse> Send(std::string method, const std::string& path,
                              const std::string& body, const std::string& what) const;
  std::string UserPath(const std::string& user_id) const;
  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const std::string url_;  // without a trailing slash
  const std::string token_;
  const std::optional<std::string> org_;
  HttpClient& http_;

  mutable std::mutex mu_;  // guards the two below
  std::string listed_org_;                  // OrgID of the last List
  std::vector<astra_wire::Role> roles_;     // roles of the last List
};

// Reads the platform's credentials through `secrets` and builds its connector over
// env.http.
StatusOr<std::unique_ptr<Connector>> MakeAstraConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets,
                                                      ConnectorEnv env);

}  // namespace idsync
