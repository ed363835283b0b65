// The in-memory Fluxweave of the `orgadmin` platform (platforms/orgadmin.md): global
// users, one org with its memberships and groups, and the rules of every query and
// mutation idsync may call. Uuids are matched in any case and stored in lower case;
// emails are matched case-insensitively and stored as given.
//
// Query methods return rows or a query error message; mutations return a
// MutationResult object ({id, result, records, error}). The org argument is the
// caller's business (OrgadminSim answers `forbidden`).
//
// Thread-safety: none; the owner (OrgadminSim) serialises access with its mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace idsync::sim {

// A canonical UUID string, 8-4-4-4-12 hex digits, any case.
bool IsUuid(const std::string& text);

struct OrgUser {
  std::string id;  // lower case
  std::string email;
  std::string first, last;
  std::string name;  // defaults to "first last"
  std::optional<std::string> mobile;
};

struct OrgMember {
  std::string user_id;
  std::string role;    // user | admin
  std::string status;  // active | retired
  std::optional<std::string> external_id;
};

struct OrgGroup {
  std::string id;  // lower case
  std::string name;
  std::vector<std::string> user_ids;  // in the order they joined
};

class OrgadminState {
 public:
  std::string org_id;  // lower case
  std::string org_name;

  // Rows, or a query error ("findUserBy needs at least one argument").
  std::variant<nlohmann::json, std::string> FindUserBy(const nlohmann::json& args) const;
  // Rows, or "group not found". Unscoped (no groupId, no userId): at most 500 rows.
  std::variant<nlohmann::json, std::string> GroupUsers(const nlohmann::json& args) const;

  nlohmann::json CreateUser(const nlohmann::json& args);
  nlohmann::json AddOrgMember(const nlohmann::json& args);  // and addUserToOrg
  nlohmann::json UpdateMember(const nlohmann::json& args);
  nlohmann::json AddGroupMembership(const nlohmann::json& args);
  nlohmann::json RemoveGroupMembership(const nlohmann::json& args);

  // Seeding and control actions: "" on success, else why not.
  std::string AddUser(OrgUser user);  // id empty: a new one
  std::string AddGroup(OrgGroup group);
  std::string AddMember(const std::string& email, OrgMember member,
                        const std::vector<std::string>& groups);
  // Changes a membership behind idsync's back (role and/or status).
  std::string Drift(const std::string& email, const std::optional<std::string>& role,
                    const std::optional<std::string>& status);

  // {"org": {id, name}, "groups": [{id, name, members: [emails]}], "users": [...],
  //  "members": [{email, userId, role, status, externalId, groups: [ids]}]}.
  nlohmann::json Dump() const;

 private:
  OrgUser* FindUser(const std::string& id);
  const OrgUser* FindUser(const std::string& id) const;
  const OrgUser* FindEmail(const std::string& email) const;
  OrgMember* FindMember(const std::string& user_id);
  const OrgMember* FindMember(const std::string& user_id) const;
  OrgGroup* FindGroup(const std::string& id);
  const OrgGroup* FindGroup(const std::string& id) const;
  std::string NewUuid();

  std::vector<OrgUser> users_;
  std::vector<OrgMember> members_;
  std::vector<OrgGroup> groups_;
  uint64_t uuid_counter_ = 0;
};

bool IsRole(const std::string& role);      // user | admin
bool IsStatus(const std::string& status);  // active | retired

}  // namespace idsync::sim
