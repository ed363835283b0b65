#include "sim/workspace/workspace_state.h"

#include <algorithm>
#include <cstdio>

#include <openssl/evp.h>

#include "core/text.h"

namespace idsync::sim {
namespace {

bool SameEmail(const std::string& a, const std::string& b) { return NormalizeEmail(a) == NormalizeEmail(b); }

Refusal NoUser(const std::string& what) { return {"USER_NOT_FOUND", "No active user " + what + " in this workspace."}; }
Refusal NoInvitation(const std::string& email) {
  return {"INVITATION_NOT_FOUND", "No invitation for " + email + " in this workspace."};
}

}  // namespace

// Built member by member: an initializer list would build each pair as an array
// first, which is most of the cost of listing 100,000 users.
nlohmann::json ToJson(const WorkspaceUser& user) {
  nlohmann::json out = nlohmann::json::object();
  out["uid"] = user.uid;
  out["email"] = user.email;
  out["name"] = user.name ? nlohmann::json(*user.name) : nlohmann::json(nullptr);
  out["accountType"] = user.account_type;
  return out;
}

nlohmann::json ToJson(const WorkspaceInvitation& invitation) {
  nlohmann::json out = nlohmann::json::object();
  out["email"] = invitation.email;
  out["accountType"] = invitation.account_type;
  out["inviteStatus"] = invitation.invite_status;
  return out;
}

std::string WorkspaceState::NewUid() {
  std::string input = "idsync-sim/workspace/uid/" + std::to_string(++uid_counter_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

WorkspaceUser* WorkspaceState::FindActive(const std::string& email) {
  if (!active_.contains(NormalizeEmail(email))) return nullptr;
  auto it = std::ranges::find_if(users_, [&](const WorkspaceUser& u) { return SameEmail(u.email, email); });
  return it == users_.end() ? nullptr : &*it;
}

WorkspaceInvitation* WorkspaceState::FindInvitation(const std::string& email) {
  if (!invited_.contains(NormalizeEmail(email))) return nullptr;
  auto it = std::ranges::find_if(invitations_, [&](const WorkspaceInvitation& i) { return SameEmail(i.email, email); });
  return it == invitations_.end() ? nullptr : &*it;
}

std::optional<Refusal> WorkspaceState::Invite(const std::string& email, const std::string& account_type) {
  std::string trimmed = Trim(email);
  if (trimmed.empty() || trimmed.find('@') == std::string::npos || trimmed.find(' ') != std::string::npos) {
    return Refusal{"INVALID_EMAIL", "\"" + email + "\" is not a valid email address."};
  }
  if (FindActive(trimmed)) return Refusal{"USER_ALREADY_ACTIVE", trimmed + " is already an active user of this workspace."};
  if (WorkspaceInvitation* invitation = FindInvitation(trimmed)) {
    if (invitation->invite_status != "EXPIRED") {
      return Refusal{"USER_ALREADY_INVITED", trimmed + " already has a pending invitation to this workspace."};
    }
    *invitation = {trimmed, account_type, "ACTIVE"};
    return std::nullopt;
  }
  invitations_.push_back({trimmed, account_type, "ACTIVE"});
  invited_.insert(NormalizeEmail(trimmed));
  return std::nullopt;
}

std::optional<Refusal> WorkspaceState::UpdateAccountType(const std::string& uid, const std::string& account_type) {
  auto it = std::ranges::find(users_, uid, &WorkspaceUser::uid);
  if (it == users_.end()) return NoUser("with uid " + uid);
  it->account_type = account_type;
  return std::nullopt;
}

std::optional<Refusal> WorkspaceState::Disable(const std::string& uid) {
  auto it = std::ranges::find(users_, uid, &WorkspaceUser::uid);
  if (it == users_.end()) return NoUser("with uid " + uid);
  active_.erase(NormalizeEmail(it->email));
  uids_.erase(it->uid);
  disabled_.push_back(std::move(*it));
  users_.erase(it);
  return std::nullopt;
}

std::variant<WorkspaceUser, Refusal> WorkspaceState::Accept(const std::string& email, std::optional<std::string> name) {
  WorkspaceInvitation* invitation = FindInvitation(email);
  if (!invitation) return NoInvitation(email);
  if (invitation->invite_status == "EXPIRED") {
    return Refusal{"INVITATION_EXPIRED", "The invitation for " + email + " has expired and cannot be accepted."};
  }
  WorkspaceUser user{NewUid(), invitation->email, std::move(name), invitation->account_type};
  std::erase_if(invitations_, [&](const WorkspaceInvitation& i) { return SameEmail(i.email, email); });
  invited_.erase(NormalizeEmail(email));
  users_.push_back(user);
  active_.insert(NormalizeEmail(user.email));
  uids_.insert(user.uid);
  return user;
}

std::variant<WorkspaceInvitation, Refusal> WorkspaceState::Expire(const std::string& email) {
  WorkspaceInvitation* invitation = FindInvitation(email);
  if (!invitation) return NoInvitation(email);
  invitation->invite_status = "EXPIRED";
  return *invitation;
}

std::variant<nlohmann::json, Refusal> WorkspaceState::Drift(const std::string& email, const std::string& account_type) {
  if (WorkspaceUser* user = FindActive(email)) {
    user->account_type = account_type;
    return ToJson(*user);
  }
  if (WorkspaceInvitation* invitation = FindInvitation(email)) {
    invitation->account_type = account_type;
    return ToJson(*invitation);
  }
  return NoUser("or invitation for " + email);
}

std::variant<WorkspaceUser, Refusal> WorkspaceState::AddUser(WorkspaceUser user) {
  std::string email = NormalizeEmail(user.email);
  if (active_.contains(email)) return Refusal{"USER_ALREADY_ACTIVE", user.email + " is already an active user."};
  if (!user.uid.empty() && uids_.contains(user.uid)) {
    return Refusal{"DUPLICATE_UID", "uid " + user.uid + " is already taken."};
  }
  if (user.uid.empty()) user.uid = NewUid();
  if (invited_.erase(email)) {
    std::erase_if(invitations_, [&](const WorkspaceInvitation& i) { return SameEmail(i.email, user.email); });
  }
  uids_.insert(user.uid);
  active_.insert(std::move(email));
  users_.push_back(std::move(user));
  return users_.back();
}

std::variant<WorkspaceInvitation, Refusal> WorkspaceState::AddInvitation(WorkspaceInvitation invitation) {
  if (FindActive(invitation.email)) {
    return Refusal{"USER_ALREADY_ACTIVE", invitation.email + " is already an active user."};
  }
  if (FindInvitation(invitation.email)) {
    return Refusal{"USER_ALREADY_INVITED", invitation.email + " already has an invitation."};
  }
  invitations_.push_back(invitation);
  invited_.insert(NormalizeEmail(invitation.email));
  return invitation;
}

std::variant<WorkspaceUser, Refusal> WorkspaceState::DisableByEmail(const std::string& email) {
  WorkspaceUser* user = FindActive(email);
  if (!user) return NoUser(email);
  WorkspaceUser copy = *user;
  Disable(copy.uid);
  return copy;
}

void WorkspaceState::AddDisabled(WorkspaceUser user) {
  if (user.uid.empty()) user.uid = NewUid();
  disabled_.push_back(std::move(user));
}

nlohmann::json WorkspaceState::Dump() const {
  nlohmann::json out = {{"users", nlohmann::json::array()},
                        {"invitations", nlohmann::json::array()},
                        {"disabled", nlohmann::json::array()}};
  for (const WorkspaceUser& u : users_) out["users"].push_back(ToJson(u));
  for (const WorkspaceInvitation& i : invitations_) out["invitations"].push_back(ToJson(i));
  for (const WorkspaceUser& u : disabled_) out["disabled"].push_back(ToJson(u));
  return out;
}

}  // namespace idsync::sim
