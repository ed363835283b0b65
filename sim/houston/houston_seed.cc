#include "sim/houston/houston_seed.h"

#include "sim/seed.h"

namespace idsync::sim::houston {
namespace {

bool IsSystemOrUser(const std::string& role) {
  return role == "SYSTEM_ADMIN" || role == "SYSTEM_EDITOR" || role == "SYSTEM_VIEWER" || role == "USER";
}
bool IsWorkspaceLevel(const std::string& role) {
  return role == "WORKSPACE_ADMIN" || role == "WORKSPACE_EDITOR" || role == "WORKSPACE_VIEWER";
}
bool IsDeploymentLevel(const std::string& role) {
  return role == "DEPLOYMENT_ADMIN" || role == "DEPLOYMENT_EDITOR" || role == "DEPLOYMENT_VIEWER";
}
bool IsAnyRole(const std::string& role) {
  return IsSystemOrUser(role) || IsWorkspaceLevel(role) || IsDeploymentLevel(role);
}

// A map of id -> role of one level.
std::string ReadScoped(const YAML::Node& node, const std::string& where, bool (*allowed)(const std::string&),
                       std::vector<std::pair<std::string, std::string>>* out) {
  if (!node || node.IsNull()) return "";
  if (!node.IsMap()) return SeedError(node, "seed: " + where + " must be a map of id: role");
  for (const auto& entry : node) {
    if (!entry.second.IsScalar() || !allowed(entry.second.Scalar())) {
      return SeedError(entry.second, "seed: " + where + "." + entry.first.Scalar() + ": not a valid role here");
    }
    out->emplace_back(entry.first.Scalar(), entry.second.Scalar());
  }
  return "";
}

}  // namespace

std::string ReadRoles(const YAML::Node& node, const std::string& where, bool (*allowed)(const std::string&),
                      std::vector<std::string>* out) {
  if (!node || node.IsNull()) return "";
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else if (node.IsSequence()) {
    for (const auto& item : node) items.push_back(item);
  } else {
    return SeedError(node, "seed: " + where + " must be a role or a list of roles");
  }
  for (const YAML::Node& item : items) {
    if (!item.IsScalar() || !allowed(item.Scalar())) {
      return SeedError(item, "seed: " + where + ": \"" + (item.IsScalar() ? item.Scalar() : "") +
                                 "\" is not a valid role here");
    }
    out->push_back(item.Scalar());
  }
  return "";
}

std::string ReadUser(const YAML::Node& node, const std::string& where, User* out) {
  if (std::string e = CheckKeys(node, where, {"email", "fullName", "status", "id", "username", "system", "workspaces",
                                              "deployments"});
      !e.empty()) {
    return e;
  }
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto full_name = ScalarAt(node, "fullName", where, &error);
  auto status = ScalarAt(node, "status", where, &error);
  auto id = ScalarAt(node, "id", where, &error);
  auto username = ScalarAt(node, "username", where, &error);
  if (!error.empty()) return error;
  if (!email) return SeedError(node, "seed: " + where + ": email is required");
  User user;
  user.id = id.value_or("");
  user.username = username.value_or(*email);
  user.emails.push_back(Email{*email, true, true});
  user.full_name = full_name;
  user.status = status.value_or("active");
  std::vector<std::string> system;
  if (std::string e = ReadRoles(node["system"], where + ".system", IsSystemOrUser, &system); !e.empty()) return e;
  for (const std::string& role : system) user.bindings.push_back(Binding{"", role, "", ""});
  std::vector<std::pair<std::string, std::string>> scoped;
  if (std::string e = ReadScoped(node["workspaces"], where + ".workspaces", IsWorkspaceLevel, &scoped); !e.empty()) {
    return e;
  }
  for (const auto& [ws, role] : scoped) user.bindings.push_back(Binding{"", role, ws, ""});
  scoped.clear();
  if (std::string e = ReadScoped(node["deployments"], where + ".deployments", IsDeploymentLevel, &scoped); !e.empty()) {
    return e;
  }
  for (const auto& [dep, role] : scoped) user.bindings.push_back(Binding{"", role, "", dep});
  *out = std::move(user);
  return "";
}

std::string ReadInvite(const YAML::Node& node, const std::string& where, Invite* out) {
  if (std::string e = CheckKeys(node, where, {"email", "role", "workspace", "id"}); !e.empty()) return e;
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto role = ScalarAt(node, "role", where, &error);
  auto workspace = ScalarAt(node, "workspace", where, &error);
  auto id = ScalarAt(node, "id", where, &error);
  if (!error.empty()) return error;
  if (!email) return SeedError(node, "seed: " + where + ": email is required");
  if (role && !IsAnyRole(*role)) return SeedError(node, "seed: " + where + ": role \"" + *role + "\" is not a Role");
  if (role && workspace && !IsWorkspaceLevel(*role)) {
    return SeedError(node, "seed: " + where + ": a workspace invitation needs a WORKSPACE_* role");
  }
  if (role && !workspace && !IsSystemOrUser(*role)) {
    return SeedError(node, "seed: " + where + ": a system invitation needs a SYSTEM_* role");
  }
  *out = Invite{id.value_or(""), *email, role, workspace.value_or(""), ""};
  return "";
}

std::string ReadSeed(const YAML::Node& section, State* state, std::string* api_key) {
  if (std::string e = CheckKeys(section, "houston", {"credentials", "workspaces", "users", "invites"}); !e.empty()) {
    return e;
  }
  if (std::string e = ReadCredential(section, "houston", "api_key", ".api_key is required", false, api_key); !e.empty()) {
    return e;
  }
  std::string error;

  for (const char* list : {"workspaces", "users", "invites"}) {
    YAML::Node items = section[list];
    if (!items || items.IsNull()) continue;
    if (!items.IsSequence()) return SeedError(items, std::string("seed: houston.") + list + " must be a list");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string where = std::string("houston.") + list + "[" + std::to_string(i) + "]";
      std::string added;
      if (std::string_view(list) == "workspaces") {
        if (std::string e = CheckKeys(items[i], where, {"id", "label", "deployments"}); !e.empty()) return e;
        auto id = ScalarAt(items[i], "id", where, &error);
        auto label = ScalarAt(items[i], "label", where, &error);
        if (!error.empty()) return error;
        if (!id) return SeedError(items[i], "seed: " + where + ": id is required");
        Workspace ws{*id, label, {}};
        YAML::Node deployments = items[i]["deployments"];
        for (std::size_t d = 0; deployments && deployments.IsSequence() && d < deployments.size(); ++d) {
          const std::string dwhere = where + ".deployments[" + std::to_string(d) + "]";
          if (std::string e = CheckKeys(deployments[d], dwhere, {"id", "label"}); !e.empty()) return e;
          auto did = ScalarAt(deployments[d], "id", dwhere, &error);
          auto dlabel = ScalarAt(deployments[d], "label", dwhere, &error);
          if (!error.empty()) return error;
          if (!did) return SeedError(deployments[d], "seed: " + dwhere + ": id is required");
          ws.deployments.push_back(Deployment{*did, dlabel});
        }
        added = state->AddWorkspace(std::move(ws));
      } else if (std::string_view(list) == "users") {
        User user;
        if (std::string e = ReadUser(items[i], where, &user); !e.empty()) return e;
        added = state->AddUser(std::move(user));
      } else {
        Invite invite;
        if (std::string e = ReadInvite(items[i], where, &invite); !e.empty()) return e;
        added = state->AddInvite(std::move(invite));
      }
      if (!added.empty()) return SeedError(items[i], "seed: " + where + ": " + added);
    }
  }
  return "";
}

}  // namespace idsync::sim::houston
