#include "sim/astra/astra_state.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <openssl/evp.h>

#include "core/text.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

bool SameText(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

ApiError NoUser(const std::string& what) { return {404, "user " + what + " not found in the organization"}; }

// What a role may do, as a Policy shows it; the simulator enforces none of it.
json PolicyActions(const std::string& name) {
  if (name == "Organization Administrator") return {"org-read", "org-write", "org-user-write", "db-all"};
  if (name == "Billing Admin") return {"org-billing-read", "org-billing-write"};
  if (name == "Database Administrator") return {"org-read", "db-all"};
  if (name == "User Admin API") return {"org-user-read", "org-user-write"};
  return {"org-read"};
}

}  // namespace

const std::vector<std::string>& AstraState::DefaultRoleNames() {
  static const std::vector<std::string> kNames = {
      "Organization Administrator", "Database Administrator", "Billing Admin", "UI View Only",
      "R/W User", "RO User", "API Read Only User", "API R/W User", "API Admin User", "User Admin API"};
  return kNames;
}

std::string AstraState::NewId() {
  std::string input = "idsync-sim/astra/" + org_id + "/" + std::to_string(++id_counter_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x40);  // version 4
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::optional<ApiError> AstraState::AddRole(AstraRole role) {
  if (role.id.empty()) role.id = NewId();
  if (std::ranges::any_of(roles_, [&](const AstraRole& r) { return r.id == role.id; })) {
    return ApiError{409, "role id " + role.id + " already exists"};
  }
  roles_.push_back(std::move(role));
  return std::nullopt;
}

std::variant<std::vector<std::string>, ApiError> AstraState::RoleIdsByName(
    const std::vector<std::string>& names) const {
  std::vector<std::string> ids;
  for (const std::string& name : names) {
    auto role = std::ranges::find_if(roles_, [&](const AstraRole& r) { return r.name == name; });
    if (role == roles_.end()) {
      role = std::ranges::find_if(roles_, [&](const AstraRole& r) { return SameText(r.name, name) || r.id == name; });
    }
    if (role == roles_.end()) return ApiError{422, "no role named \"" + name + "\" in the organization"};
    ids.push_back(role->id);
  }
  if (ids.empty()) return ids;  // seeds and controls may leave a user without roles
  return CheckRoleIds(ids);
}

std::variant<std::vector<std::string>, ApiError> AstraState::CheckRoleIds(const std::vector<std::string>& role_ids) const {
  if (role_ids.empty()) return ApiError{422, "roles must not be empty"};
  for (const std::string& id : role_ids) {
    if (std::ranges::none_of(roles_, [&](const AstraRole& r) { return r.id == id; })) {
      return ApiError{422, "unknown role id " + id};
    }
  }
  std::vector<std::string> ordered;
  for (const AstraRole& role : roles_) {
    if (std::ranges::find(role_ids, role.id) != role_ids.end()) ordered.push_back(role.id);
  }
  return ordered;
}

void AstraState::Append(AstraUser user) {
  by_email_[NormalizeEmail(user.email)] = users_.size();
  by_id_[user.id] = users_.size();
  users_.push_back(std::move(user));
}

void AstraState::Reindex() {
  by_email_.clear();
  by_id_.clear();
  for (size_t i = 0; i < users_.size(); ++i) {
    by_email_[NormalizeEmail(users_[i].email)] = i;
    by_id_[users_[i].id] = i;
  }
}

AstraUser* AstraState::FindByEmail(const std::string& email) {
  auto it = by_email_.find(NormalizeEmail(email));
  return it == by_email_.end() ? nullptr : &users_[it->second];
}

const AstraUser* AstraState::FindById(const std::string& user_id) const {
  auto it = by_id_.find(user_id);
  return it == by_id_.end() ? nullptr : &users_[it->second];
}

std::variant<AstraUser, ApiError> AstraState::AddUser(AstraUser user) {
  if (FindByEmail(user.email)) return ApiError{409, "user is already a member of the organization"};
  if (user.id.empty()) user.id = NewId();
  if (FindById(user.id)) return ApiError{409, "user id " + user.id + " already exists"};
  Append(user);
  return user;
}

std::variant<AstraUser, ApiError> AstraState::Accept(const std::string& email) {
  AstraUser* user = FindByEmail(email);
  if (!user || user->status != "invited") return ApiError{404, "no invitation for " + email};
  user->status = "active";
  return *user;
}

std::variant<AstraUser, ApiError> AstraState::Drift(const std::string& email, std::vector<std::string> role_ids) {
  AstraUser* user = FindByEmail(email);
  if (!user) return NoUser(email);
  user->role_ids = std::move(role_ids);
  return *user;
}

std::variant<AstraUser, ApiError> AstraState::Invite(const std::string& email, const std::string& org_id,
                                                     const std::vector<std::string>& role_ids) {
  if (org_id != this->org_id) return ApiError{403, "orgID " + org_id + " is not the token's organization"};
  auto checked = CheckRoleIds(role_ids);
  if (auto* error = std::get_if<ApiError>(&checked)) return *error;
  auto& ids = std::get<std::vector<std::string>>(checked);
  if (AstraUser* user = FindByEmail(email)) {
    if (user->status != "invited") return ApiError{409, "user is already a member of the organization"};
    user->role_ids = std::move(ids);  // invited again: roles replaced, UserID kept
    ++user->invitations_sent;
    return *user;
  }
  AstraUser user{NewId(), email, "invited", std::move(ids), 1};
  Append(user);
  return user;
}

std::optional<ApiError> AstraState::SetRoles(const std::string& user_id, const std::vector<std::string>& role_ids) {
  auto it = by_id_.find(user_id);
  if (it == by_id_.end()) return NoUser(user_id);
  auto checked = CheckRoleIds(role_ids);
  if (auto* error = std::get_if<ApiError>(&checked)) return *error;
  users_[it->second].role_ids = std::get<std::vector<std::string>>(std::move(checked));
  return std::nullopt;
}

std::optional<ApiError> AstraState::Delete(const std::string& user_id) {
  auto it = by_id_.find(user_id);
  if (it == by_id_.end()) return NoUser(user_id);
  users_.erase(users_.begin() + static_cast<std::ptrdiff_t>(it->second));
  Reindex();
  return std::nullopt;
}

std::string AstraState::RoleName(const std::string& id) const {
  auto it = std::ranges::find_if(roles_, [&](const AstraRole& r) { return r.id == id; });
  return it == roles_.end() ? id : it->name;
}

json AstraState::UserJson(const AstraUser& user) const {
  json roles = json::array();
  for (const std::string& id : user.role_ids) roles.push_back({{"ID", id}, {"Name", RoleName(id)}});
  return {{"UserID", user.id}, {"Email", user.email}, {"Status", user.status}, {"Roles", std::move(roles)}};
}

json AstraState::UsersJson() const {
  json users = json::array();
  for (const AstraUser& user : users_) users.push_back(UserJson(user));
  return {{"OrgID", org_id}, {"OrgName", org_name}, {"Users", std::move(users)}};
}

json AstraState::RolesJson() const {
  json roles = json::array();
  for (const AstraRole& role : roles_) {
    roles.push_back({{"ID", role.id},
                     {"Name", role.name},
                     {"Policy",
                      {{"description", role.name},
                       {"resources", {"drn:astra:org:" + org_id}},
                       {"actions", PolicyActions(role.name)},
                       {"effect", "allow"}}}});
  }
  return roles;
}

json AstraState::Dump() const {
  json roles = json::array();
  for (const AstraRole& role : roles_) roles.push_back({{"name", role.name}, {"id", role.id}});
  json users = json::array();
  for (const AstraUser& user : users_) {
    json names = json::array();
    for (const std::string& id : user.role_ids) names.push_back(RoleName(id));
    users.push_back({{"email", user.email},
                     {"id", user.id},
                     {"status", user.status},
                     {"roles", std::move(names)},
                     {"invitationsSent", user.invitations_sent}});
  }
  return {{"org", {{"id", org_id}, {"name", org_name}}}, {"roles", std::move(roles)}, {"users", std::move(users)}};
}

}  // namespace idsync::sim
