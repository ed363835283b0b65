#include "sim/houston/houston_state.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/text.h"

namespace idsync::sim::houston {
namespace {

using nlohmann::json;

constexpr const char* kBadInput = "BAD_USER_INPUT";
constexpr const char* kNotFound = "RESOURCE_NOT_FOUND";

std::string Base36(uint64_t value, std::size_t width) {
  std::string out(width, '0');
  for (std::size_t i = width; i-- > 0 && value > 0; value /= 36) out[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[value % 36];
  return out;
}

std::string Now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

Refusal NotFound(std::string what) { return {kNotFound, std::move(what)}; }

Refusal WrongLevel(const std::string& role, const char* level) {
  return {kBadInput, "Role " + role + " is not a " + level + " role"};
}

bool Is(const Binding& b, const std::string& workspace) { return b.workspace == workspace && b.deployment.empty(); }

}  // namespace

bool IsSystemRole(const std::string& role) { return role.starts_with("SYSTEM_"); }
bool IsWorkspaceRole(const std::string& role) { return role.starts_with("WORKSPACE_"); }
bool IsDeploymentRole(const std::string& role) { return role.starts_with("DEPLOYMENT_"); }

std::string State::NewId() {
  ++id_counter_;
  // A counter for order, then a mix of it so ids look like cuids.
  uint64_t mix = id_counter_ * 0x9E3779B97F4A7C15ull;
  mix ^= mix >> 29;
  return "ck" + Base36(id_counter_, 8) + Base36(mix, 15);
}

void State::Touch(User& user) { user.updated_at = Now(); }

User* State::FindUser(const std::string& id) {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

User* State::FindUserByEmail(const std::string& email) {
  auto it = by_email_.find(NormalizeEmail(email));
  return it == by_email_.end() ? nullptr : FindUser(it->second);
}

const Workspace* State::FindWorkspace(const std::string& id) const {
  auto it = workspaces_.find(id);
  return it == workspaces_.end() ? nullptr : &it->second;
}

std::string State::DeploymentWorkspace(const std::string& id) const {
  for (const auto& [ws_id, ws] : workspaces_) {
    for (const Deployment& d : ws.deployments) {
      if (d.id == id) return ws_id;
    }
  }
  return "";
}

int State::SystemAdmins() const {
  return static_cast<int>(std::ranges::count_if(users_, [](const auto& entry) {
    return std::ranges::any_of(entry.second.bindings, [](const Binding& b) { return b.role == "SYSTEM_ADMIN"; });
  }));
}

std::string State::AddWorkspace(Workspace workspace) {
  if (workspaces_.count(workspace.id)) return "workspace " + workspace.id + " is defined twice";
  for (const Deployment& d : workspace.deployments) {
    if (!DeploymentWorkspace(d.id).empty()) return "deployment " + d.id + " is defined twice";
  }
  workspaces_[workspace.id] = std::move(workspace);
  return "";
}

std::string State::AddUser(User user) {
  if (user.emails.empty()) return "a user needs an email";
  for (const Email& e : user.emails) {
    if (FindUserByEmail(e.address)) return "a user with the email " + e.address + " already exists";
  }
  if (user.id.empty()) user.id = NewId();
  if (users_.count(user.id)) return "a user with the id " + user.id + " already exists";
  for (Binding& b : user.bindings) {
    if (!b.workspace.empty() && !FindWorkspace(b.workspace)) return "no workspace " + b.workspace;
    if (!b.deployment.empty() && DeploymentWorkspace(b.deployment).empty()) return "no deployment " + b.deployment;
    if (b.id.empty()) b.id = NewId();
  }
  if (user.username.empty()) user.username = user.emails.front().address;
  if (user.created_at.empty()) user.created_at = Now();
  if (user.updated_at.empty()) user.updated_at = user.created_at;
  for (const Email& e : user.emails) by_email_[NormalizeEmail(e.address)] = user.id;
  // Signing up consumes the email's invitations.
  const std::string email = NormalizeEmail(user.emails.front().address);
  std::erase_if(invites_, [&](const Invite& i) { return NormalizeEmail(i.email) == email; });
  users_[user.id] = std::move(user);
  return "";
}

std::string State::AddInvite(Invite invite) {
  if (!invite.workspace.empty() && !FindWorkspace(invite.workspace)) return "no workspace " + invite.workspace;
  if (FindUserByEmail(invite.email)) return "a user with the email " + invite.email + " already exists";
  if (invite.id.empty()) invite.id = NewId();
  if (invite.created_at.empty()) invite.created_at = Now();
  invites_.push_back(std::move(invite));
  return "";
}

json State::WorkspaceJson(const std::string& id) const {
  const Workspace* ws = FindWorkspace(id);
  if (!ws) return nullptr;
  return {{"id", ws->id}, {"label", ws->label ? json(*ws->label) : json(nullptr)}};
}

json State::BindingJson(const Binding& b) const {
  json deployment = nullptr;
  if (!b.deployment.empty()) {
    const Workspace* ws = FindWorkspace(DeploymentWorkspace(b.deployment));
    for (const Deployment& d : ws ? ws->deployments : std::vector<Deployment>{}) {
      if (d.id == b.deployment) deployment = {{"id", d.id}, {"label", d.label ? json(*d.label) : json(nullptr)}};
    }
  }
  return {{"id", b.id},
          {"role", b.role},
          {"workspace", b.workspace.empty() ? json(nullptr) : WorkspaceJson(b.workspace)},
          {"deployment", deployment}};
}

json State::InviteJson(const Invite& i) const {
  return {{"id", i.id},
          {"email", i.email},
          {"role", i.role ? json(*i.role) : json(nullptr)},
          {"workspace", i.workspace.empty() ? json(nullptr) : WorkspaceJson(i.workspace)},
          {"createdAt", i.created_at}};
}

json State::UserJson(const std::string& user_id) const {
  auto it = users_.find(user_id);
  if (it == users_.end()) return nullptr;
  const User& u = it->second;
  json emails = json::array();
  for (const Email& e : u.emails) emails.push_back({{"address", e.address}, {"primary", e.primary}, {"verified", e.verified}});
  json bindings = json::array();
  for (const Binding& b : u.bindings) bindings.push_back(BindingJson(b));
  return {{"id", u.id},          {"uuid", u.id},
          {"username", u.username}, {"emails", std::move(emails)},
          {"fullName", u.full_name ? json(*u.full_name) : json(nullptr)},
          {"status", u.status},  {"roleBindings", std::move(bindings)},
          {"createdAt", u.created_at}, {"updatedAt", u.updated_at}};
}

Outcome State::Users(const UserSearch& s, const std::optional<std::string>& cursor, std::optional<int64_t> take) const {
  const int64_t limit = take.value_or(100);
  if (limit < 1 || limit > 1000) return Refusal{kBadInput, "take must be between 1 and 1000, got " + std::to_string(limit)};
  json page = json::array();
  auto it = cursor ? users_.upper_bound(*cursor) : users_.begin();
  for (; it != users_.end() && static_cast<int64_t>(page.size()) < limit; ++it) {
    const User& u = it->second;
    if (s.user_id && u.id != *s.user_id) continue;
    if (s.user_uuid && u.id != *s.user_uuid) continue;
    if (s.username && u.username != *s.username) continue;
    if (s.full_name && u.full_name != *s.full_name) continue;
    if (s.email && std::ranges::none_of(u.emails, [&](const Email& e) {
          return NormalizeEmail(e.address) == NormalizeEmail(*s.email);
        }))
      continue;
    page.push_back(UserJson(u.id));
  }
  return page;
}

json State::Invites(const std::optional<std::string>& email, const std::optional<std::string>& workspace) const {
  json out = json::array();
  for (const Invite& i : invites_) {
    if (email && NormalizeEmail(i.email) != NormalizeEmail(*email)) continue;
    if (workspace && i.workspace != *workspace) continue;
    out.push_back(InviteJson(i));
  }
  return out;
}

json State::Workspaces() const {
  json out = json::array();
  for (const auto& [id, ws] : workspaces_) out.push_back(WorkspaceJson(id));
  return out;
}

Outcome State::InviteUser(const std::string& email, const std::optional<std::string>& role) {
  if (role && !IsSystemRole(*role)) return WrongLevel(*role, "system");
  if (FindUserByEmail(email)) return Refusal{"DUPLICATE_EMAIL", "A user with this email already exists"};
  const bool invited = std::ranges::any_of(invites_, [&](const Invite& i) {
    return i.workspace.empty() && NormalizeEmail(i.email) == NormalizeEmail(email);
  });
  if (invited) return Refusal{"USER_ALREADY_INVITED", "This email has already been invited"};
  invites_.push_back(Invite{NewId(), Trim(email), role, "", Now()});
  return InviteJson(invites_.back());
}

Outcome State::WorkspaceAddUser(const std::string& workspace, const std::string& email, const std::string& role) {
  if (!IsWorkspaceRole(role)) return WrongLevel(role, "workspace");
  if (!FindWorkspace(workspace)) return NotFound("Workspace " + workspace + " not found");
  if (User* user = FindUserByEmail(email)) {
    if (std::ranges::any_of(user->bindings, [&](const Binding& b) { return Is(b, workspace); })) {
      return Refusal{"DUPLICATE_EMAIL", "This user is already a member of the workspace"};
    }
    user->bindings.push_back(Binding{NewId(), role, workspace, ""});
    Touch(*user);
    return WorkspaceJson(workspace);
  }
  const bool invited = std::ranges::any_of(invites_, [&](const Invite& i) {
    return i.workspace == workspace && NormalizeEmail(i.email) == NormalizeEmail(email);
  });
  if (invited) return Refusal{"USER_ALREADY_INVITED", "This email has already been invited to the workspace"};
  invites_.push_back(Invite{NewId(), Trim(email), role, workspace, Now()});
  return WorkspaceJson(workspace);
}

Outcome State::WorkspaceUpdateUserRole(const std::string& workspace, const std::string& email, const std::string& role) {
  if (!IsWorkspaceRole(role)) return WrongLevel(role, "workspace");
  if (!FindWorkspace(workspace)) return NotFound("Workspace " + workspace + " not found");
  User* user = FindUserByEmail(email);
  if (!user) return NotFound("User not found");
  auto it = std::ranges::find_if(user->bindings, [&](const Binding& b) { return Is(b, workspace); });
  if (it == user->bindings.end()) return NotFound("The user is not a member of workspace " + workspace);
  it->role = role;
  Touch(*user);
  return role;
}

Outcome State::WorkspaceRemoveUser(const std::string& workspace, const std::string& user_id) {
  if (!FindWorkspace(workspace)) return NotFound("Workspace " + workspace + " not found");
  User* user = FindUser(user_id);
  if (!user) return NotFound("User not found");
  if (std::ranges::none_of(user->bindings, [&](const Binding& b) { return Is(b, workspace); })) {
    return NotFound("The user is not a member of workspace " + workspace);
  }
  std::erase_if(user->bindings, [&](const Binding& b) {
    return Is(b, workspace) || (!b.deployment.empty() && DeploymentWorkspace(b.deployment) == workspace);
  });
  Touch(*user);
  return WorkspaceJson(workspace);
}

Outcome State::CreateSystemRoleBinding(const std::string& user_id, const std::string& role) {
  if (!IsSystemRole(role)) return WrongLevel(role, "system");
  User* user = FindUser(user_id);
  if (!user) return NotFound("User not found");
  auto it = std::ranges::find_if(user->bindings, [&](const Binding& b) { return b.role == role && Is(b, ""); });
  if (it != user->bindings.end()) return BindingJson(*it);
  user->bindings.push_back(Binding{NewId(), role, "", ""});
  Touch(*user);
  return BindingJson(user->bindings.back());
}

Outcome State::DeleteSystemRoleBinding(const std::string& user_id, const std::string& role) {
  if (!IsSystemRole(role)) return WrongLevel(role, "system");
  User* user = FindUser(user_id);
  if (!user) return NotFound("User not found");
  auto it = std::ranges::find_if(user->bindings, [&](const Binding& b) { return b.role == role && Is(b, ""); });
  if (it == user->bindings.end()) return NotFound("The user has no " + role + " binding");
  if (role == "SYSTEM_ADMIN" && SystemAdmins() <= 1) {
    return Refusal{"FORBIDDEN", "Cannot remove the last SYSTEM_ADMIN"};
  }
  json deleted = BindingJson(*it);
  user->bindings.erase(it);
  Touch(*user);
  return deleted;
}

Outcome State::RemoveUser(const std::string& user_id) {
  User* user = FindUser(user_id);
  if (!user) return NotFound("User not found");
  const bool admin = std::ranges::any_of(user->bindings, [](const Binding& b) { return b.role == "SYSTEM_ADMIN"; });
  if (admin && SystemAdmins() <= 1) return Refusal{"FORBIDDEN", "Cannot remove the last SYSTEM_ADMIN"};
  json was = UserJson(user_id);
  for (const Email& e : user->emails) by_email_.erase(NormalizeEmail(e.address));
  users_.erase(user_id);
  return was;
}

Outcome State::DeleteInviteToken(const std::string& invite_id) {
  auto it = std::ranges::find(invites_, invite_id, &Invite::id);
  if (it == invites_.end()) return NotFound("Invite " + invite_id + " not found");
  json deleted = InviteJson(*it);
  invites_.erase(it);
  return deleted;
}

Outcome State::Accept(const std::string& email, const std::optional<std::string>& full_name) {
  if (FindUserByEmail(email)) return Refusal{"DUPLICATE_EMAIL", "A user with this email already exists"};
  User user;
  for (const Invite& i : invites_) {
    if (NormalizeEmail(i.email) != NormalizeEmail(email)) continue;
    if (user.emails.empty()) user.emails.push_back(Email{i.email, true, true});
    if (i.role) user.bindings.push_back(Binding{"", *i.role, i.workspace, ""});
  }
  if (user.emails.empty()) return NotFound("No invitation for " + email);
  user.username = user.emails.front().address;
  user.full_name = full_name;
  if (std::string error = AddUser(user); !error.empty()) return Refusal{kBadInput, error};
  return UserJson(by_email_.at(NormalizeEmail(email)));
}

Outcome State::Drift(const std::string& email, const std::optional<std::vector<std::string>>& system,
                     const std::optional<std::map<std::string, std::string>>& workspaces) {
  User* user = FindUserByEmail(email);
  if (!user) return NotFound("No user with the email " + email);
  if (workspaces) {
    for (const auto& [ws, role] : *workspaces) {
      if (!FindWorkspace(ws)) return NotFound("Workspace " + ws + " not found");
      if (!IsWorkspaceRole(role)) return WrongLevel(role, "workspace");
    }
    std::erase_if(user->bindings, [](const Binding& b) { return !b.workspace.empty() && b.deployment.empty(); });
    for (const auto& [ws, role] : *workspaces) user->bindings.push_back(Binding{NewId(), role, ws, ""});
  }
  if (system) {
    std::erase_if(user->bindings, [](const Binding& b) { return b.workspace.empty() && b.deployment.empty(); });
    for (const std::string& role : *system) user->bindings.push_back(Binding{NewId(), role, "", ""});
  }
  Touch(*user);
  return UserJson(user->id);
}

json State::Dump() const {
  json out = {{"workspaces", json::array()}, {"users", json::array()}, {"invites", json::array()}};
  for (const auto& [id, ws] : workspaces_) {
    json entry = {{"id", id}, {"label", ws.label ? json(*ws.label) : json(nullptr)}};
    for (const Deployment& d : ws.deployments) entry["deployments"].push_back({{"id", d.id}, {"label", d.label ? json(*d.label) : json(nullptr)}});
    out["workspaces"].push_back(std::move(entry));
  }
  for (const auto& [id, u] : users_) {
    json entry = {{"id", id}, {"email", u.emails.front().address}, {"username", u.username},
                  {"fullName", u.full_name ? json(*u.full_name) : json(nullptr)}, {"status", u.status}};
    json system = json::array();
    for (const Binding& b : u.bindings) {
      if (!b.deployment.empty()) entry["deployments"][b.deployment] = b.role;
      else if (!b.workspace.empty()) entry["workspaces"][b.workspace] = b.role;
      else system.push_back(b.role);
    }
    if (system.size() == 1) entry["system"] = system.front();
    if (system.size() > 1) entry["system"] = system;
    out["users"].push_back(std::move(entry));
  }
  for (const Invite& i : invites_) {
    json entry = {{"id", i.id}, {"email", i.email}, {"role", i.role ? json(*i.role) : json(nullptr)}};
    if (!i.workspace.empty()) entry["workspace"] = i.workspace;
    out["invites"].push_back(std::move(entry));
  }
  return out;
}

}  // namespace idsync::sim::houston
