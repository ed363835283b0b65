// The in-memory organization of the `astra` platform (platforms/astra.md): its roles
// and its users (active members and invitations), and the rules the API applies to
// them. Emails are matched as identities (trimmed, case-insensitive), stored as given.
//
// Thread-safety: none; the owner (AstraSim) serialises access with its mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace idsync::sim {

struct AstraRole {
  std::string id;  // a UUID
  std::string name;
};

struct AstraUser {
  std::string id;  // UserID, a UUID
  std::string email;
  std::string status;                 // "active" | "invited"
  std::vector<std::string> role_ids;  // in the organization's role order, no duplicates
  int invitations_sent = 0;           // how many times an invitation went out
};

// An API refusal: the HTTP status and the `message` of the errors body.
struct ApiError {
  int status = 400;
  std::string message;
};

class AstraState {
 public:
  // The ten default role names of an organization, in astra.md's order.
  static const std::vector<std::string>& DefaultRoleNames();

  std::string org_id = "dacb3c32-cc2a-4bea-bd95-47ab8eb20410";
  std::string org_name = "Acme";

  const std::vector<AstraRole>& roles() const { return roles_; }
  const std::vector<AstraUser>& users() const { return users_; }

  // A new UUID (v4 layout), different on every call, derived from the org id and a
  // counter so a seed always yields the same ids.
  std::string NewId();

  // Seeding and controls. AddRole: id empty means a new one; refused for a duplicate id.
  std::optional<ApiError> AddRole(AstraRole role);
  // Role names (exact, else ignoring case, else an id) -> ids in role order, or 422.
  std::variant<std::vector<std::string>, ApiError> RoleIdsByName(const std::vector<std::string>& names) const;
  // Adds a user directly; id empty means a new one. 409 when the email is present.
  std::variant<AstraUser, ApiError> AddUser(AstraUser user);
  // invited -> active, same UserID (404 when there is no such invitation).
  std::variant<AstraUser, ApiError> Accept(const std::string& email);
  // Replaces the roles of a user behind idsync's back (404 when absent).
  std::variant<AstraUser, ApiError> Drift(const std::string& email, std::vector<std::string> role_ids);

  // PUT /v2/organizations/users: 403 for another org, 422 for no or unknown roles, 409
  // for an active member; an invited email is invited again (roles replaced, UserID kept).
  std::variant<AstraUser, ApiError> Invite(const std::string& email, const std::string& org_id,
                                           const std::vector<std::string>& role_ids);
  // PUT /v2/organizations/users/{id}/roles: 404 unknown user, 422 no or unknown roles.
  std::optional<ApiError> SetRoles(const std::string& user_id, const std::vector<std::string>& role_ids);
  // DELETE /v2/organizations/users/{id}: 404 unknown user.
  std::optional<ApiError> Delete(const std::string& user_id);
  const AstraUser* FindById(const std::string& user_id) const;

  // Wire shapes (PascalCase, astra.md).
  nlohmann::json UserJson(const AstraUser& user) const;
  nlohmann::json UsersJson() const;  // {"OrgID", "OrgName", "Users"}
  nlohmann::json RolesJson() const;  // [{"ID", "Name", "Policy"}]

  // {"org": {id, name}, "roles": [{name, id}], "users": [{email, id, status, roles:
  // [names], invitationsSent}]}: the seed's own shape.
  nlohmann::json Dump() const;

 private:
  AstraUser* FindByEmail(const std::string& email);
  // 422 unless `role_ids` is non-empty and every id is a role; else the ids in role order.
  std::variant<std::vector<std::string>, ApiError> CheckRoleIds(const std::vector<std::string>& role_ids) const;
  std::string RoleName(const std::string& id) const;

  // Appends a user and indexes it; Reindex() rebuilds the indexes after an erase.
  void Append(AstraUser user);
  void Reindex();

  std::vector<AstraRole> roles_;
  std::vector<AstraUser> users_;
  // Positions in users_ by normalised email and by id: a lookup costs the same for
  // 10 users as for 100,000.
  std::unordered_map<std::string, size_t> by_email_, by_id_;
  uint64_t id_counter_ = 0;
};

}  // namespace idsync::sim
