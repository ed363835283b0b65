#include "connectors/astra/astra_wire.h"

#include <algorithm>
#include <cctype>

namespace idsync::astra_wire {
namespace {

using nlohmann::json;

bool KeyEquals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

// The string at `key`, "" when absent or null; throws json::type_error for another type.
std::string StringAt(const json& object, std::string_view key) {
  const json* value = Find(object, key);
  if (value == nullptr || value->is_null()) return "";
  return value->get<std::string>();
}

std::string Required(const json& object, std::string_view key, std::string_view where) {
  std::string value = StringAt(object, key);
  if (value.empty()) {
    throw std::invalid_argument(std::string(where) + " has no " + std::string(key));
  }
  return value;
}

StatusOr<json> ParseJson(std::string_view body, const std::string& what) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Internal(what + ": the answer is not JSON: " + BodySnippet(body));
  }
  return parsed;
}

User ReadUser(const json& entry) {
  if (!entry.is_object()) throw std::invalid_argument("a Users entry is not an object");
  User user;
  user.id = Required(entry, "UserID", "a Users entry");
  user.email = Required(entry, "Email", "user " + user.id);
  user.status = StringAt(entry, "Status");
  if (const json* roles = Find(entry, "Roles"); roles != nullptr && !roles->is_null()) {
    for (const json& role : *roles) {
      user.role_ids.push_back(Required(role, "ID", "a role of user " + user.id));
    }
  }
  return user;
}

}  // namespace

const json* Find(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  if (auto exact = object.find(key); exact != object.end()) return &*exact;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (KeyEquals(it.key(), key)) return &it.value();
  }
  return nullptr;
}

StatusOr<UsersAnswer> ParseUsers(std::string_view body, const std::string& what) {
  StatusOr<json> parsed = ParseJson(body, what);
  if (!parsed.ok()) return parsed.status();
  try {
    UsersAnswer answer;
    answer.org_id = Required(*parsed, "OrgID", "the users answer");
    answer.org_name = StringAt(*parsed, "OrgName");
    const json* users = Find(*parsed, "Users");
    if (users == nullptr) throw std::invalid_argument("the users answer has no Users");
    if (!users->is_null()) {
      if (!users->is_array()) throw std::invalid_argument("Users is not an array");
      for (const json& entry : *users) answer.users.push_back(ReadUser(entry));
    }
    return answer;
  } catch (const std::exception& e) {  // json::exception and std::invalid_argument
    return Internal(what + ": unexpected answer: " + e.what());
  }
}

StatusOr<std::vector<Role>> ParseRoles(std::string_view body, const std::string& what) {
  StatusOr<json> parsed = ParseJson(body, what);
  if (!parsed.ok()) return parsed.status();
  try {
    if (!parsed->is_array()) throw std::invalid_argument("the roles answer is not an array");
    std::vector<Role> roles;
    for (const json& entry : *parsed) {
      if (!entry.is_object()) throw std::invalid_argument("a role is not an object");
      Role role;
      role.id = Required(entry, "ID", "a role");
      role.name = Required(entry, "Name", "role " + role.id);
      roles.push_back(std::move(role));
    }
    return roles;
  } catch (const std::exception& e) {
    return Internal(what + ": unexpected answer: " + e.what());
  }
}

std::string ErrorMessages(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const json* errors = Find(parsed, "errors");
  if (errors == nullptr || !errors->is_array()) return "";
  std::string out;
  for (const json& error : *errors) {
    const json* message = Find(error, "message");
    if (message == nullptr || !message->is_string()) continue;
    if (!out.empty()) out += "; ";
    out += message->get<std::string>();
  }
  return out;
}

Status AnswerStatus(const HttpResponse& response, const std::string& what) {
  const StatusCode code = MapHttpCodeToStatus(response.status);
  if (code == StatusCode::kOk) return OkStatus();
  std::string message = what + ": HTTP " + std::to_string(response.status);
  std::string detail = ErrorMessages(response.body);
  if (detail.empty()) detail = BodySnippet(response.body);
  if (!detail.empty()) message += ": " + detail;
  return Status(code, std::move(message));
}

}  // namespace idsync::astra_wire
