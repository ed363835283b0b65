#include "connectors/orgadmin/orgadmin_api.h"

#include <utility>

namespace idsync {

namespace orgadmin_documents {
const char* const kFindUser =
    R"(query FindUser($email: String!) { findUserBy(email: $email) { id email name } })";
const char* const kGroupUsers = R"(query GroupUsers($org: Uuid!, $groupId: Uuid!) {
  groupUsers(org: $org, groupId: $groupId) { userId groupId status userName } })";
const char* const kCreateUser =
    R"(mutation CreateUser($org: Uuid!, $email: String!, $first: String!, $last: String!,
                    $name: String, $externalId: String) {
  createUser(org: $org, email: $email, first: $first, last: $last, name: $name,
             externalId: $externalId) { id result records error } })";
const char* const kAddOrgMember =
    R"(mutation AddOrgMember($org: Uuid!, $userId: Uuid!, $role: String!, $externalId: String) {
  addOrgMember(org: $org, userId: $userId, role: $role, externalId: $externalId) {
    id result records error } })";
const char* const kUpdateMember =
    R"(mutation UpdateMember($org: Uuid!, $userId: Uuid!, $status: String!, $role: String!,
                      $externalId: String) {
  updateMember(org: $org, userId: $userId, status: $status, role: $role,
               externalId: $externalId) { id result records error } })";
const char* const kAddGroupMembership =
    R"(mutation AddGroupMembership($org: Uuid!, $userId: Uuid!, $groupId: Uuid!) {
  addGroupMembership(org: $org, userId: $userId, groupId: $groupId) { id result records error } })";
const char* const kRemoveGroupMembership =
    R"(mutation RemoveGroupMembership($org: Uuid!, $userId: Uuid!, $groupId: Uuid!) {
  removeGroupMembership(org: $org, userId: $userId, groupId: $groupId) { id result records error } })";
}  // namespace orgadmin_documents

namespace {

using nlohmann::json;
namespace docs = orgadmin_documents;

std::optional<std::string> OptionalString(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

OrgadminApi::OrgadminApi(HttpClient& http, std::string url, std::string org,
                         const std::string& token)
    : org_(std::move(org)),
      graphql_(http, std::move(url), HttpHeaders{{"Authorization", "Bearer " + token}}) {}

Status OrgadminApi::RequestError(const GraphQLResult& result, const std::string& what) const {
  if (!result.errors.empty() && result.errors.front().message == "forbidden") {
    return PermissionDenied(what + ": forbidden (the token may not administer org " + org_ + ")");
  }
  return ErrorsAsStatus(result, what);
}

StatusOr<json> OrgadminApi::Field(const char* document, const char* operation, const char* field,
                                  const json& variables, const std::string& what) const {
  StatusOr<GraphQLResult> result = graphql_.Execute(document, operation, variables, what);
  if (!result.ok()) return result.status();
  if (!result->errors.empty()) return RequestError(*result, what);
  const json& data = result->data;
  if (!data.is_object() || !data.contains(field) || data[field].is_null()) {
    return Internal(what + ": answer has no " + field);
  }
  return data[field];
}

StatusOr<std::optional<std::string>> OrgadminApi::FindUser(const std::string& email,
                                                           const std::string& what) const {
  StatusOr<json> rows = Field(docs::kFindUser, "FindUser", "findUserBy", {{"email", email}}, what);
  if (!rows.ok()) return rows.status();
  try {
    for (const json& row : *rows) {
      // email matches exactly (case-insensitively): the first row is the user.
      return std::optional<std::string>(row.at("id").get<std::string>());
    }
    return std::optional<std::string>();
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected findUserBy answer: " + e.what());
  }
}

StatusOr<std::optional<std::vector<OrgadminGroupMember>>> OrgadminApi::GroupUsers(
    const std::string& group_id, const std::string& what) const {
  StatusOr<GraphQLResult> result = graphql_.Execute(
      docs::kGroupUsers, "GroupUsers", {{"org", org_}, {"groupId", group_id}}, what);
  if (!result.ok()) return result.status();
  if (!result->errors.empty()) {
    if (result->errors.front().message == "group not found") {
      return std::optional<std::vector<OrgadminGroupMember>>();
    }
    return RequestError(*result, what);
  }
  try {
    const json& data = result->data;
    if (!data.is_object() || !data.contains("groupUsers") || !data["groupUsers"].is_array()) {
      return Internal(what + ": answer has no groupUsers");
    }
    std::vector<OrgadminGroupMember> members;
    for (const json& row : data["groupUsers"]) {
      members.push_back(OrgadminGroupMember{row.at("userId").get<std::string>(),
                                            row.at("status").get<std::string>(),
                                            OptionalString(row, "userName")});
    }
    return std::optional<std::vector<OrgadminGroupMember>>(std::move(members));
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected groupUsers answer: " + e.what());
  }
}

StatusOr<OrgadminMutation> OrgadminApi::Mutate(const char* document, const char* operation,
                                               const char* field, json variables,
                                               const std::string& what) const {
  variables["org"] = org_;
  StatusOr<json> answer = Field(document, operation, field, variables, what);
  if (!answer.ok()) return answer.status();
  try {
    OrgadminMutation out;
    out.id = OptionalString(*answer, "id");
    out.result = OptionalString(*answer, "result").value_or("");
    out.error = OptionalString(*answer, "error");
    return out;
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected " + field + " answer: " + e.what());
  }
}

}  // namespace idsync
