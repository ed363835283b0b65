// The in-memory Houston of the `houston` platform (platforms/houston.md): workspaces
// (with deployments), users with role bindings, invitations, and the rules every
// mutation follows. Emails match case-insensitively (trimmed); stored as given.
// Every method returns either the GraphQL value (shaped like the schema's type, every
// field present) or a Refusal with Houston's extensions.code.
//
// Thread-safety: none; the owner (HoustonSim) serialises access with its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace idsync::sim::houston {

struct Deployment {
  std::string id;
  std::optional<std::string> label;
};

struct Workspace {
  std::string id;
  std::optional<std::string> label;
  std::vector<Deployment> deployments;
};

struct Binding {
  std::string id;
  std::string role;
  std::string workspace;   // "" for none
  std::string deployment;  // "" for none
};

struct Email {
  std::string address;
  bool primary = true;
  bool verified = true;
};

struct User {
  std::string id;
  std::string username;
  std::vector<Email> emails;
  std::optional<std::string> full_name;
  std::string status = "active";
  std::vector<Binding> bindings;
  std::string created_at, updated_at;
};

struct Invite {
  std::string id;
  std::string email;
  std::optional<std::string> role;
  std::string workspace;  // "" for a system invitation
  std::string created_at;
};

struct Refusal {
  std::string code;  // BAD_USER_INPUT, RESOURCE_NOT_FOUND, DUPLICATE_EMAIL, ...
  std::string message;
};

// The UserSearch input; fields absent are not compared.
struct UserSearch {
  std::optional<std::string> user_id, user_uuid, username, email, full_name;
};

using Outcome = std::variant<nlohmann::json, Refusal>;

bool IsSystemRole(const std::string& role);     // SYSTEM_*
bool IsWorkspaceRole(const std::string& role);  // WORKSPACE_*
bool IsDeploymentRole(const std::string& role); // DEPLOYMENT_*

class State {
 public:
  // A new cuid-like id ("ck" + 23 base-36 characters); later ids sort after earlier ones.
  std::string NewId();

  // Seeding and controls. Each returns "" or why not.
  std::string AddWorkspace(Workspace workspace);
  // `user.id` empty: a new one. Bindings must name known workspaces/deployments; the
  // email must be free. Binding ids are filled in.
  std::string AddUser(User user);
  std::string AddInvite(Invite invite);

  // Queries. `take` nullopt: 100.
  Outcome Users(const UserSearch& search, const std::optional<std::string>& cursor,
                std::optional<int64_t> take) const;
  nlohmann::json Invites(const std::optional<std::string>& email,
                         const std::optional<std::string>& workspace) const;
  nlohmann::json Workspaces() const;

  // Mutations, as houston.md describes them.
  Outcome InviteUser(const std::string& email, const std::optional<std::string>& role);
  Outcome WorkspaceAddUser(const std::string& workspace, const std::string& email, const std::string& role);
  Outcome WorkspaceUpdateUserRole(const std::string& workspace, const std::string& email, const std::string& role);
  Outcome WorkspaceRemoveUser(const std::string& workspace, const std::string& user_id);
  Outcome CreateSystemRoleBinding(const std::string& user_id, const std::string& role);
  Outcome DeleteSystemRoleBinding(const std::string& user_id, const std::string& role);
  Outcome RemoveUser(const std::string& user_id);
  Outcome DeleteInviteToken(const std::string& invite_id);

  // Sign-up of an invited email: an active user (username = email, primary verified
  // email) with a binding per invitation; that email's invitations are deleted.
  Outcome Accept(const std::string& email, const std::optional<std::string>& full_name);
  // Replaces the user's system bindings (when `system` is set) and workspace bindings
  // (when `workspaces` is set) behind idsync's back.
  Outcome Drift(const std::string& email, const std::optional<std::vector<std::string>>& system,
                const std::optional<std::map<std::string, std::string>>& workspaces);

  // The user's GraphQL value (User type), null when there is no such id.
  nlohmann::json UserJson(const std::string& user_id) const;
  // {"workspaces": [...], "users": [...], "invites": [...]} in the seed's shape.
  nlohmann::json Dump() const;

 private:
  User* FindUserByEmail(const std::string& email);
  User* FindUser(const std::string& id);
  const Workspace* FindWorkspace(const std::string& id) const;
  // The workspace id holding deployment `id`, or "".
  std::string DeploymentWorkspace(const std::string& id) const;
  nlohmann::json WorkspaceJson(const std::string& id) const;
  nlohmann::json BindingJson(const Binding& binding) const;
  nlohmann::json InviteJson(const Invite& invite) const;
  int SystemAdmins() const;
  void Touch(User& user);

  std::map<std::string, Workspace> workspaces_;  // by id
  std::map<std::string, User> users_;            // by id: byte-wise order
  std::map<std::string, std::string> by_email_;  // normalised email -> user id
  std::vector<Invite> invites_;                  // in creation order
  uint64_t id_counter_ = 0;
};

}  // namespace idsync::sim::houston
