#include "connectors/houston/houston_listing.h"

#include <spdlog/spdlog.h>

#include "core/platform.h"
#include "core/text.h"

namespace idsync::houston {
namespace {

using nlohmann::json;

std::string StringOr(const json& object, const char* key, std::string fallback = "") {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The id of object[key] ({"id": ...}), or "" when null or absent.
std::string NestedId(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return "";
  return StringOr(*it, "id");
}

bool IsSystemRole(const std::string& role) {
  return SingleRank(PlatformType::kHouston, role).has_value();
}
bool IsWorkspaceRole(const std::string& role) {
  return ScopedRank(PlatformType::kHouston, role).has_value();
}

// Keeps the more privileged of the current value and `role`.
void KeepSystem(std::optional<std::string>& single, const std::string& role) {
  if (!single || *SingleRank(PlatformType::kHouston, role) < *SingleRank(PlatformType::kHouston, *single)) {
    single = role;
  }
}
void KeepWorkspace(std::map<std::string, std::string>& scoped, const std::string& workspace,
                   const std::string& role) {
  auto [it, inserted] = scoped.try_emplace(workspace, role);
  if (!inserted && *ScopedRank(PlatformType::kHouston, role) <
                       *ScopedRank(PlatformType::kHouston, it->second)) {
    it->second = role;
  }
}

// The primary address, else the first one; "" when the user has none.
std::string PrimaryEmail(const json& user) {
  const json& emails = user.at("emails");
  std::string first;
  for (const json& e : emails) {
    const std::string address = StringOr(e, "address");
    if (first.empty()) first = address;
    if (e.value("primary", false)) return address;
  }
  return first;
}

}  // namespace

Status ReadUsers(const json& users, const std::string& what, Listing& out) {
  try {
    for (const json& entry : users) {
      LiveUser user;
      user.id = entry.at("id").get<std::string>();
      const std::string email = NormalizeEmail(PrimaryEmail(entry));
      if (email.empty()) {
        spdlog::warn("{}: user {} has no email address; ignored", what, user.id);
        continue;
      }
      user.raw_status = StringOr(entry, "status");
      if (const auto it = entry.find("fullName"); it != entry.end() && it->is_string()) {
        user.name = it->get<std::string>();
      }
      Held held;
      held.user_id = user.id;
      for (const json& binding : entry.at("roleBindings")) {
        const std::string role = binding.at("role").get<std::string>();
        const std::string workspace = NestedId(binding, "workspace");
        const std::string deployment = NestedId(binding, "deployment");
        if (!deployment.empty()) continue;  // deployment bindings are not grants
        if (workspace.empty() && IsSystemRole(role)) {
          KeepSystem(user.grants.single, role);
          held.system_roles.insert(role);
        } else if (!workspace.empty() && IsWorkspaceRole(role)) {
          KeepWorkspace(user.grants.scoped.mut(), workspace, role);
        }
      }
      user.status = user.grants.empty() ? LiveStatus::kRetired : LiveStatus::kActive;
      auto [it, inserted] = out.live.users.try_emplace(email, std::move(user));
      if (!inserted) {
        spdlog::warn("{}: users {} and {} share the email {}; keeping {}", what, it->second.id,
                     held.user_id, email, it->second.id);
        continue;
      }
      out.held[email] = std::move(held);
    }
    return OkStatus();
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected users answer: " + e.what());
  }
}

Status ReadInvites(const json& invites, const std::string& what, Listing& out) {
  try {
    for (const json& entry : invites) {
      const std::string id = entry.at("id").get<std::string>();
      const std::string email = NormalizeEmail(entry.at("email").get<std::string>());
      const std::string role = StringOr(entry, "role");
      const std::string workspace = NestedId(entry, "workspace");
      auto [it, inserted] = out.live.users.try_emplace(email);
      LiveUser& user = it->second;
      if (inserted) {
        user.status = LiveStatus::kPending;
        user.raw_status = "invited";
      } else if (user.status != LiveStatus::kPending) {
        continue;  // signed up already: the user's bindings are what counts
      }
      if (workspace.empty() && IsSystemRole(role)) {
        KeepSystem(user.grants.single, role);
      } else if (!workspace.empty() && IsWorkspaceRole(role)) {
        KeepWorkspace(user.grants.scoped.mut(), workspace, role);
      }
      user.invitation_ids.push_back(id);
      out.held[email].invitation_ids.push_back(id);
    }
    return OkStatus();
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected invites answer: " + e.what());
  }
}

Status ReadWorkspaces(const json& workspaces, const std::string& what, Listing& out) {
  try {
    for (const json& entry : workspaces) {
      out.live.catalog[entry.at("id").get<std::string>()] = StringOr(entry, "label");
    }
    return OkStatus();
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected workspaces answer: " + e.what());
  }
}

}  // namespace idsync::houston
