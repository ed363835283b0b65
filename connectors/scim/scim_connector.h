// The `scim` connector: any SCIM 2.0 service provider, exactly as
// ../shared/platforms/scim.md describes it. `url` is the SCIM base; every request
// carries `Authorization: Bearer <token>` and `Accept: application/scim+json,
// application/json`; requests with a body `Content-Type: application/scim+json`.
//
//   List        GET /ServiceProviderConfig once per instance (cached after the first
//               success; patch.supported must be true), then /Users and /Groups paged
//               by startIndex/count (page size min(100, filter.maxResults), else 100),
//               advancing by the Resources received until totalResults or an empty
//               page. A user is kRetired when active is false; name = displayName;
//               grants.set = ids of the *managed groups* holding it: groups named by
//               the desired users' grants (names, resolved case-insensitively) plus the
//               ids in the managed accounts' grants (every group when
//               ListContext::every_group, for export). catalog = displayName -> id.
//   Resolve     group names -> ids, case-insensitively; an unknown name, or one two
//               groups share, is an error naming it and listing the valid names.
//   Invite      POST /Users (active); 409 uniqueness -> the user found by the
//               `userName eq` filter (or in the full listing when filters are not
//               supported) is adopted; then PATCH /Groups/{id} add for each of `after`.
//   ChangeGrants PATCH /Groups/{id} add / remove for each group in after - before /
//               before - after, one request each.
//   Retire      PATCH active false (404 = done). Reactivate: PATCH active true, then
//               the group changes from before to after.
//   Remove      DELETE /Users/{id} (404 = done).
//   Update      PATCH /Users/{id} replacing name.givenName, name.familyName,
//               displayName and externalId where the desired value differs from the
//               last listing (all the desired ones when the user was not listed);
//               absent desired fields are not sent.
// A 404 on a PATCH other than a retire is a failure (the user is gone).
//
// Failure messages: "scim <instance>: <operation> <email>: HTTP <n> <scimType>:
// <detail>". The token never appears in a log line; GuardedConnector scrubs it from
// every Status.
//
// Thread-safety: every call may run concurrently; the provider's config and the last
// listing are guarded by a mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/connector_env.h"
#include "connectors/scim/scim_wire.h"

namespace idsync {

class ScimConnector : public Connector {
 public:
  // REQUIRES: `http` outlives the connector. `instance` is the platform instance name.
  ScimConnector(std::string instance, std::string url, std::string token, HttpClient& http);

  PlatformType type() const override { return PlatformType::kScim; }
  StatusOr<LiveState> List(const ListContext& context) override;
  StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) override;
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Retire(const Action& action) override;
  Status Reactivate(const Action& action) override;
  Status Remove(const Action& action) override;
  Status Update(const Action& action) override;

 private:
  // One request to `path` under the base URL (path starts with '/').
  StatusOr<HttpResponse> Send(const std::string& method, const std::string& path,
                              const nlohmann::json* body, const std::string& what) const;
  // The provider's config, asked once; failures are not cached.
  StatusOr<scim::ServiceProviderConfig> Config(const std::string& what);
  StatusOr<std::vector<scim::ScimUser>> ListUsers(int page_size, const std::string& what) const;
  StatusOr<std::vector<scim::ScimGroup>> ListGroups(int page_size, const std::string& what) const;
  // The id of the user whose userName is `email`, after a 409 on create.
  StatusOr<std::string> FindUserId(const std::string& email, const std::string& what);
  Status ChangeMembers(const std::string& email, const std::string& user_id, const Grants& before,
                       const Grants& after) const;
  // One PATCH of group `group` with `body` (add or remove a member).
  Status PatchGroup(const std::string& group, const nlohmann::json& body, const std::string& what) const;
  Status SetActive(const Action& action, bool active, const std::string& what) const;

  std::string What(std::string_view operation, std::string_view email) const;

  const std::string instance_;
  const std::string base_;  // without a trailing '/'
  const std::string token_;
  HttpClient& http_;

  mutable std::mutex mu_;  // guards everything below
  std::optional<scim::ServiceProviderConfig> config_;
  std::map<std::string, scim::ScimUser> listed_;  // user id -> as last listed
  std::set<std::string> shared_names_;           // lowercased names two groups share
};

// Reads the platform's `token` credential through `secrets` and builds its connector
// over env.http.
StatusOr<std::unique_ptr<Connector>> MakeScimConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets,
                                                      ConnectorEnv env);

}  // namespace idsync
