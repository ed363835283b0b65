// The Fluxweave "Administration GraphQL" calls idsync makes (../shared/platforms/
// orgadmin.md), one method per documented request: Bearer token, the org on every
// call, the documents verbatim. Answers are read into plain values; the meaning of a
// MutationResult's `error` is the connector's business, not this layer's.
//
// Errors: a 401 (`unauthenticated`) is kUnauthenticated; `forbidden` (an org the token
// may not administer) kPermissionDenied; other GraphQL errors as ErrorsAsStatus() says
// (kFailedPrecondition for an HTTP 200 answer); transport failures as HttpClient says.
// Messages start with the caller's `what`; the token is never part of one.
//
// Thread-safety: immutable after construction; calls may run concurrently.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "connectors/http/graphql.h"
#include "connectors/http/http_client.h"

namespace idsync {

namespace orgadmin_documents {
// The requests idsync sends, verbatim (orgadmin.md "The requests idsync sends").
extern const char* const kFindUser;
extern const char* const kGroupUsers;
extern const char* const kCreateUser;
extern const char* const kAddOrgMember;
extern const char* const kUpdateMember;
extern const char* const kAddGroupMembership;
extern const char* const kRemoveGroupMembership;
}  // namespace orgadmin_documents

// A MutationResult: `error` nullopt means success.
struct OrgadminMutation {
  std::optional<std::string> id;
  std::string result;
  std::optional<std::string> error;
};

// One row of groupUsers.
struct OrgadminGroupMember {
  std::string user_id;
  std::string status;  // the member's org status: active | retired
  std::optional<std::string> user_name;
};

class OrgadminApi {
 public:
  // REQUIRES: `http` outlives the API.
  OrgadminApi(HttpClient& http, std::string url, std::string org, const std::string& token);

  const std::string& org() const { return org_; }

  // findUserBy(email): the user's id, or nullopt when no user has that email.
  StatusOr<std::optional<std::string>> FindUser(const std::string& email,
                                                const std::string& what) const;

  // groupUsers(org, groupId): every member of the group, or nullopt when the platform
  // answers `group not found`.
  StatusOr<std::optional<std::vector<OrgadminGroupMember>>> GroupUsers(
      const std::string& group_id, const std::string& what) const;

  // One mutation whose root field `field` is a MutationResult; `org` is added to
  // `variables`. A refusal is a value (error set), not a failure.
  StatusOr<OrgadminMutation> Mutate(const char* document, const char* operation,
                                    const char* field, nlohmann::json variables,
                                    const std::string& what) const;

 private:
  // The failure for an answer carrying GraphQL errors (see the header comment).
  Status RequestError(const GraphQLResult& result, const std::string& what) const;
  // Execute, then: errors are a failure; `field` must be present in data.
  StatusOr<nlohmann::json> Field(const char* document, const char* operation, const char* field,
                                 const nlohmann::json& variables, const std::string& what) const;

  const std::string org_;
  const GraphQLClient graphql_;
};

}  // namespace idsync
