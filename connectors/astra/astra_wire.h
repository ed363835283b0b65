// The astra DevOps API v2 answers as values (../shared/platforms/astra.md), read the way
// the contract asks of a client: keys matched case-insensitively (the simulator and
// this contract spell them PascalCase, the published OpenAPI camelCase), unknown keys
// ignored, `Policy` (object or string) never read.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/http/http_client.h"
#include "core/status.h"

namespace idsync::astra_wire {

struct Role {
  std::string id;
  std::string name;
  bool operator==(const Role&) const = default;
};

struct User {
  std::string id;      // UserID
  std::string email;   // as the API spells it
  std::string status;  // "active", "invited", or anything else
  std::vector<std::string> role_ids;
  bool operator==(const User&) const = default;
};

struct UsersAnswer {
  std::string org_id;
  std::string org_name;
  std::vector<User> users;
};

// The member of `object` whose key equals `key` ignoring ASCII case, or null (also
// when `object` is not an object).
const nlohmann::json* Find(const nlohmann::json& object, std::string_view key);

// GET /v2/organizations/users. Fails (kInternal, prefixed by `what`) when the body is
// not JSON or lacks OrgID / Users, or a user lacks UserID / Email.
StatusOr<UsersAnswer> ParseUsers(std::string_view body, const std::string& what);

// GET /v2/organizations/roles: an array of {ID, Name, Policy}.
StatusOr<std::vector<Role>> ParseRoles(std::string_view body, const std::string& what);

// The `message`s of an `{"errors": [{"ID": n, "message": ...}]}` body joined by "; ",
// or "" when the body is not that shape (a 5xx from a proxy may be HTML).
std::string ErrorMessages(std::string_view body);

// OK for a 2xx answer; else a Status with the code of MapHttpCodeToStatus and the
// message "<what>: HTTP <status>: <the API's messages>" (a body snippet when the body
// has no errors array, nothing when it is empty).
Status AnswerStatus(const HttpResponse& response, const std::string& what);

}  // namespace idsync::astra_wire
