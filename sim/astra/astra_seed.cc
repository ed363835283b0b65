#include "sim/astra/astra_seed.h"

#include "sim/seed.h"

namespace idsync::sim {
namespace {

std::string ReadRoles(const YAML::Node& roles, AstraState* state) {
  if (!roles || roles.IsNull()) {
    for (const std::string& name : AstraState::DefaultRoleNames()) state->AddRole({"", name});
    return "";
  }
  if (!roles.IsSequence()) return SeedError(roles, "seed: astra.roles must be a list");
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string where = "astra.roles[" + std::to_string(i) + "]";
    AstraRole role;
    if (roles[i].IsScalar()) {
      role.name = roles[i].Scalar();
    } else {
      if (std::string e = CheckKeys(roles[i], where, {"name", "id"}); !e.empty()) return e;
      std::string error;
      auto name = ScalarAt(roles[i], "name", where, &error);
      auto id = ScalarAt(roles[i], "id", where, &error);
      if (!error.empty()) return error;
      role.name = name.value_or("");
      role.id = id.value_or("");
    }
    if (role.name.empty()) return SeedError(roles[i], "seed: " + where + ": a role needs a name");
    if (auto refusal = state->AddRole(std::move(role))) return SeedError(roles[i], "seed: " + where + ": " + refusal->message);
  }
  return "";
}

std::string ReadUser(const YAML::Node& node, const std::string& where, AstraState* state) {
  if (std::string e = CheckKeys(node, where, {"email", "status", "roles", "id"}); !e.empty()) return e;
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto status = ScalarAt(node, "status", where, &error);
  auto id = ScalarAt(node, "id", where, &error);
  if (!error.empty()) return error;
  if (!email || email->empty()) return SeedError(node, "seed: " + where + ": email is required");
  if (status && *status != "active" && *status != "invited") {
    return SeedError(node, "seed: " + where + ": status must be active or invited, got \"" + *status + "\"");
  }
  std::vector<std::string> names;
  if (YAML::Node roles = node["roles"]; roles && !roles.IsNull()) {
    if (!roles.IsSequence()) return SeedError(roles, "seed: " + where + ".roles must be a list of role names");
    for (const auto& role : roles) names.push_back(role.Scalar());
  }
  auto ids = state->RoleIdsByName(names);
  if (auto* refusal = std::get_if<ApiError>(&ids)) return SeedError(node, "seed: " + where + ": " + refusal->message);
  AstraUser user{id.value_or(""), *email, status.value_or("active"), std::get<std::vector<std::string>>(ids),
                 status.value_or("active") == "invited" ? 1 : 0};
  auto added = state->AddUser(std::move(user));
  if (auto* refusal = std::get_if<ApiError>(&added)) return SeedError(node, "seed: " + where + ": " + refusal->message);
  return "";
}

}  // namespace

std::string ReadAstraSeed(const YAML::Node& section, AstraState* state, std::string* token) {
  if (std::string e = CheckKeys(section, "astra", {"credentials", "org", "roles", "users"}); !e.empty()) return e;
  if (std::string e = ReadCredential(section, "astra", "token", " needs a token", false, token); !e.empty()) return e;

  if (YAML::Node org = section["org"]; org && !org.IsNull()) {
    if (std::string e = CheckKeys(org, "astra.org", {"id", "name"}); !e.empty()) return e;
    std::string error;
    auto id = ScalarAt(org, "id", "astra.org", &error);
    auto name = ScalarAt(org, "name", "astra.org", &error);
    if (!error.empty()) return error;
    if (id) state->org_id = *id;
    if (name) state->org_name = *name;
  }
  if (std::string e = ReadRoles(section["roles"], state); !e.empty()) return e;

  YAML::Node users = section["users"];
  if (!users || users.IsNull()) return "";
  if (!users.IsSequence()) return SeedError(users, "seed: astra.users must be a list");
  for (size_t i = 0; i < users.size(); ++i) {
    if (std::string e = ReadUser(users[i], "astra.users[" + std::to_string(i) + "]", state); !e.empty()) return e;
  }
  return "";
}

}  // namespace idsync::sim
