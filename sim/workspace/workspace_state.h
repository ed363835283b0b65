// The in-memory workspace of the `workspace` platform (platforms/workspace.md):
// active users, invitations and disabled users, and the rules that change them.
// Emails are matched as identities (trimmed, case-insensitive); stored as given.
//
// Thread-safety: none; the owner (WorkspaceSim) serialises access with its mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace idsync::sim {

struct WorkspaceUser {
  std::string uid;  // 64 lowercase hex characters
  std::string email;
  std::optional<std::string> name;
  std::string account_type;
};

struct WorkspaceInvitation {
  std::string email;
  std::string account_type;
  std::string invite_status;  // ACTIVE | SENT | EXPIRED | anything else (pending)
};

// Why the platform refused: a code for extensions.code and a sentence.
struct Refusal {
  std::string code;  // USER_ALREADY_ACTIVE, USER_ALREADY_INVITED, USER_NOT_FOUND, ...
  std::string message;
};

class WorkspaceState {
 public:
  const std::vector<WorkspaceUser>& users() const { return users_; }
  const std::vector<WorkspaceInvitation>& invitations() const { return invitations_; }
  const std::vector<WorkspaceUser>& disabled() const { return disabled_; }

  // A new 64-hex uid, different on every call (SHA-256 of a counter).
  std::string NewUid();

  // inviteUser: refused for an active user or a pending invitation; an EXPIRED
  // invitation is replaced by a new ACTIVE one; a disabled user is invited like a new one.
  std::optional<Refusal> Invite(const std::string& email, const std::string& account_type);
  // updateUserAccountType / disableUser: refused (USER_NOT_FOUND) for a uid that is
  // not an active user's.
  std::optional<Refusal> UpdateAccountType(const std::string& uid, const std::string& account_type);
  std::optional<Refusal> Disable(const std::string& uid);

  // Control actions. Each returns the changed record, or a refusal whose code ends in
  // _NOT_FOUND (nothing to act on) or says the conflict.
  std::variant<WorkspaceUser, Refusal> Accept(const std::string& email, std::optional<std::string> name);
  std::variant<WorkspaceInvitation, Refusal> Expire(const std::string& email);
  // Changes the account type of the active user, else of the invitation.
  std::variant<nlohmann::json, Refusal> Drift(const std::string& email, const std::string& account_type);
  // Adds an active user; a pending invitation for the email is consumed. uid empty: new.
  std::variant<WorkspaceUser, Refusal> AddUser(WorkspaceUser user);
  std::variant<WorkspaceInvitation, Refusal> AddInvitation(WorkspaceInvitation invitation);
  std::variant<WorkspaceUser, Refusal> DisableByEmail(const std::string& email);
  // Seeding only: a user who was disabled before the simulation started.
  void AddDisabled(WorkspaceUser user);

  // {"users": [...], "invitations": [...], "disabled": [...]}, keys as in the seed.
  nlohmann::json Dump() const;

 private:
  WorkspaceUser* FindActive(const std::string& email);
  WorkspaceInvitation* FindInvitation(const std::string& email);

  std::vector<WorkspaceUser> users_;
  std::vector<WorkspaceInvitation> invitations_;
  std::vector<WorkspaceUser> disabled_;
  // Normalized emails of users_ and invitations_: membership in O(1), so seeding and
  // inviting 100,000 users is not quadratic.
  std::unordered_set<std::string> active_, invited_;
  std::unordered_set<std::string> uids_;  // uids of users_: a seed giving uids is not quadratic
  uint64_t uid_counter_ = 0;
};

nlohmann::json ToJson(const WorkspaceUser& user);
nlohmann::json ToJson(const WorkspaceInvitation& invitation);

}  // namespace idsync::sim
