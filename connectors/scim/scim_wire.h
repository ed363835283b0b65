// The SCIM 2.0 wire format as ../shared/platforms/scim.md uses it: request bodies
// built and answers read, with no I/O. JSON through nlohmann::json only; nothing here
// throws (malformed answers are a Status).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_client.h"
#include "core/status.h"
#include "core/users.h"

namespace idsync::scim {

inline constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr const char* kScimJson = "application/scim+json";
inline constexpr const char* kAccept = "application/scim+json, application/json";

// What idsync reads from GET /ServiceProviderConfig.
struct ServiceProviderConfig {
  bool patch = false;
  bool filter = false;
  int64_t max_results = 0;  // 0: not given
  // min(100, maxResults) when maxResults is positive, else 100.
  int PageSize() const;
};
StatusOr<ServiceProviderConfig> ParseServiceProviderConfig(std::string_view body);

// A User as listed. Optional fields are nullopt when the answer leaves them out.
struct ScimUser {
  std::string id;
  std::string user_name;
  bool active = true;  // absent `active` reads as active
  std::optional<std::string> given_name, family_name, display_name, external_id;
};

struct ScimGroup {
  std::string id;
  std::string display_name;
  std::vector<std::string> members;  // member `value`s (user ids)
};

// One ListResponse page. `total` is totalResults when the answer has it.
template <typename T>
struct Page {
  std::vector<T> resources;
  std::optional<int64_t> total;
};

StatusOr<Page<ScimUser>> ParseUserPage(std::string_view body);
StatusOr<Page<ScimGroup>> ParseGroupPage(std::string_view body);
StatusOr<ScimUser> ParseUser(std::string_view body);  // a single User (POST answer)

// The SCIM error body of a non-2xx answer; nullopt when the body is not one. `status`
// is kept as written, string or number.
struct ScimError {
  std::string status;
  std::string scim_type;
  std::string detail;
};
std::optional<ScimError> ParseError(std::string_view body);

// OK for a 2xx answer; otherwise a Status whose code follows the HTTP status
// (MapHttpCodeToStatus) and whose message is "<what>: HTTP <n> <scimType>: <detail>"
// from a SCIM error body, or AsStatus()'s message when the body is not one.
Status AnswerStatus(const HttpResponse& response, std::string_view what);

// `userName eq "<value>"` with `\` and `"` escaped (not yet URL-encoded).
std::string UserNameFilter(std::string_view user_name);

// given/family from the profile: given_name/family_name, else `name` split at its
// last space (one word: given only).
std::optional<std::string> GivenName(const Profile& profile);
std::optional<std::string> FamilyName(const Profile& profile);

// POST /Users: schemas, userName, name (when known), displayName (from name), emails
// [{value, type: work, primary: true}], externalId (when set), active: true.
nlohmann::json CreateUserBody(const std::string& email, const Profile& profile);

// One PatchOp "replace" operation; a PatchOp message of several.
nlohmann::json Replace(const std::string& path, nlohmann::json value);
nlohmann::json PatchOp(nlohmann::json operations);
nlohmann::json SetActiveBody(bool active);
nlohmann::json AddMemberBody(const std::string& user_id);
nlohmann::json RemoveMemberBody(const std::string& user_id);

}  // namespace idsync::scim
