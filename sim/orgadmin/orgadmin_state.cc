#include "sim/orgadmin/orgadmin_state.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace idsync::sim {
namespace {

using nlohmann::json;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::optional<std::string> Arg(const json& args, const char* key) {
  const auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

std::string Id(const json& args, const char* key) { return Lower(Arg(args, key).value_or("")); }

json Done(const std::string& id, const char* result) {
  return {{"id", id}, {"result", result}, {"records", 1}, {"error", nullptr}};
}

json Refused(const char* error) {
  return {{"id", nullptr}, {"result", nullptr}, {"records", 0}, {"error", error}};
}

json UserRow(const OrgUser& u) {
  return {{"id", u.id}, {"email", u.email}, {"name", u.name}, {"timezone", nullptr}};
}

}  // namespace

bool IsUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

bool IsRole(const std::string& role) { return role == "user" || role == "admin"; }
bool IsStatus(const std::string& status) { return status == "active" || status == "retired"; }

OrgUser* OrgadminState::FindUser(const std::string& id) {
  auto it = std::ranges::find(users_, Lower(id), &OrgUser::id);
  return it == users_.end() ? nullptr : &*it;
}
const OrgUser* OrgadminState::FindUser(const std::string& id) const {
  return const_cast<OrgadminState*>(this)->FindUser(id);
}
const OrgUser* OrgadminState::FindEmail(const std::string& email) const {
  auto it = std::ranges::find_if(users_, [&](const OrgUser& u) { return Lower(u.email) == Lower(email); });
  return it == users_.end() ? nullptr : &*it;
}
OrgMember* OrgadminState::FindMember(const std::string& user_id) {
  auto it = std::ranges::find(members_, Lower(user_id), &OrgMember::user_id);
  return it == members_.end() ? nullptr : &*it;
}
const OrgMember* OrgadminState::FindMember(const std::string& user_id) const {
  return const_cast<OrgadminState*>(this)->FindMember(user_id);
}
OrgGroup* OrgadminState::FindGroup(const std::string& id) {
  auto it = std::ranges::find(groups_, Lower(id), &OrgGroup::id);
  return it == groups_.end() ? nullptr : &*it;
}
const OrgGroup* OrgadminState::FindGroup(const std::string& id) const {
  return const_cast<OrgadminState*>(this)->FindGroup(id);
}

std::string OrgadminState::NewUuid() {
  for (;;) {
    char text[40];
    std::snprintf(text, sizeof text, "5a5a0000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(++uuid_counter_));
    if (!FindUser(text) && !FindGroup(text)) return text;
  }
}

std::variant<json, std::string> OrgadminState::FindUserBy(const json& args) const {
  const auto email = Arg(args, "email"), external_id = Arg(args, "externalId"),
             mobile = Arg(args, "mobile"), name = Arg(args, "name");
  if (!email && !external_id && !mobile && !name) {
    return std::string("findUserBy needs at least one argument");
  }
  if (name && name->size() < 3) return std::string("name needs 3 characters or more");
  json rows = json::array();
  for (const OrgUser& u : users_) {
    if (email && Lower(u.email) != Lower(*email)) continue;
    if (mobile && u.mobile != mobile) continue;
    if (name && Lower(u.name).find(Lower(*name)) == std::string::npos) continue;
    if (external_id) {
      const OrgMember* m = FindMember(u.id);
      if (!m || m->external_id != external_id) continue;
    }
    rows.push_back(UserRow(u));
    if (rows.size() == 10) break;
  }
  return rows;
}

std::variant<json, std::string> OrgadminState::GroupUsers(const json& args) const {
  const auto group_id = Arg(args, "groupId"), user_id = Arg(args, "userId");
  if (group_id && !FindGroup(*group_id)) return std::string("group not found");
  const bool unscoped = !group_id && !user_id;
  json rows = json::array();
  for (const OrgGroup& g : groups_) {
    if (group_id && g.id != Lower(*group_id)) continue;
    for (const std::string& uid : g.user_ids) {
      if (user_id && uid != Lower(*user_id)) continue;
      const OrgMember* m = FindMember(uid);
      const OrgUser* u = FindUser(uid);
      if (!m || !u) continue;
      rows.push_back({{"userId", uid}, {"groupId", g.id}, {"status", m->status}, {"userName", u->name}});
      if (unscoped && rows.size() == 500) return rows;
    }
  }
  return rows;
}

json OrgadminState::CreateUser(const json& args) {
  const std::string email = Arg(args, "email").value_or("");
  if (FindEmail(email)) return Refused("email already exists");
  const auto group_id = Arg(args, "groupId");
  if (group_id && !FindGroup(*group_id)) return Refused("group not found");
  OrgUser user{NewUuid(), email, Arg(args, "first").value_or(""), Arg(args, "last").value_or(""), "",
               Arg(args, "mobile")};
  user.name = Arg(args, "name").value_or(user.first + " " + user.last);
  users_.push_back(user);
  members_.push_back({user.id, "user", "active", Arg(args, "externalId")});
  if (group_id) FindGroup(*group_id)->user_ids.push_back(user.id);
  return Done(user.id, "created");
}

json OrgadminState::AddOrgMember(const json& args) {
  const std::string user_id = Id(args, "userId");
  if (!FindUser(user_id)) return Refused("user not found");
  const std::string role = Arg(args, "role").value_or("");
  if (!IsRole(role)) return Refused("invalid role");
  if (FindMember(user_id)) return Refused("already a member");
  members_.push_back({user_id, role, "active", Arg(args, "externalId")});
  return Done(user_id, "added");
}

json OrgadminState::UpdateMember(const json& args) {
  const std::string user_id = Id(args, "userId");
  if (!FindUser(user_id)) return Refused("user not found");
  const std::string status = Arg(args, "status").value_or("");
  const std::string role = Arg(args, "role").value_or("");
  if (!IsStatus(status)) return Refused("invalid status");
  if (!IsRole(role)) return Refused("invalid role");
  OrgMember* m = FindMember(user_id);
  if (!m) return Refused("not a member");
  m->status = status;
  m->role = role;
  if (auto external_id = Arg(args, "externalId")) m->external_id = external_id;
  return Done(user_id, "updated");
}

json OrgadminState::AddGroupMembership(const json& args) {
  const std::string user_id = Id(args, "userId");
  if (!FindUser(user_id)) return Refused("user not found");
  OrgGroup* g = FindGroup(Id(args, "groupId"));
  if (!g) return Refused("group not found");
  if (!FindMember(user_id)) return Refused("not a member");
  if (std::ranges::find(g->user_ids, user_id) != g->user_ids.end()) return Refused("already a member");
  g->user_ids.push_back(user_id);
  return Done(user_id, "added");
}

json OrgadminState::RemoveGroupMembership(const json& args) {
  const std::string user_id = Id(args, "userId");
  if (!FindUser(user_id)) return Refused("user not found");
  OrgGroup* g = FindGroup(Id(args, "groupId"));
  if (!g) return Refused("group not found");
  auto it = std::ranges::find(g->user_ids, user_id);
  if (it == g->user_ids.end()) return Refused("not a member");
  g->user_ids.erase(it);
  return Done(user_id, "removed");
}

std::string OrgadminState::AddUser(OrgUser user) {
  if (user.email.empty()) return "email is required";
  if (FindEmail(user.email)) return "a user with email " + user.email + " already exists";
  if (user.id.empty()) {
    user.id = NewUuid();
  } else {
    if (!IsUuid(user.id)) return "id must be a UUID";
    user.id = Lower(user.id);
    if (FindUser(user.id)) return "a user with id " + user.id + " already exists";
  }
  if (user.name.empty()) user.name = user.first + " " + user.last;
  users_.push_back(std::move(user));
  return "";
}

std::string OrgadminState::AddGroup(OrgGroup group) {
  if (!IsUuid(group.id)) return "group id must be a UUID";
  group.id = Lower(group.id);
  if (FindGroup(group.id)) return "group " + group.id + " is listed twice";
  groups_.push_back(std::move(group));
  return "";
}

std::string OrgadminState::AddMember(const std::string& email, OrgMember member,
                                     const std::vector<std::string>& groups) {
  const OrgUser* u = FindEmail(email);
  if (!u) return "no user has email " + email + " (add it to users first)";
  if (FindMember(u->id)) return email + " is already a member";
  if (!IsRole(member.role)) return "role must be user or admin";
  if (!IsStatus(member.status)) return "status must be active or retired";
  for (const std::string& g : groups) {
    if (!FindGroup(g)) return "group " + g + " not found";
  }
  member.user_id = u->id;
  for (const std::string& g : groups) {
    OrgGroup* group = FindGroup(g);
    if (std::ranges::find(group->user_ids, u->id) == group->user_ids.end()) group->user_ids.push_back(u->id);
  }
  members_.push_back(std::move(member));
  return "";
}

std::string OrgadminState::Drift(const std::string& email, const std::optional<std::string>& role,
                                 const std::optional<std::string>& status) {
  const OrgUser* u = FindEmail(email);
  OrgMember* m = u ? FindMember(u->id) : nullptr;
  if (!m) return email + " is not a member";
  if (role && !IsRole(*role)) return "role must be user or admin";
  if (status && !IsStatus(*status)) return "status must be active or retired";
  if (role) m->role = *role;
  if (status) m->status = *status;
  return "";
}

json OrgadminState::Dump() const {
  json out = {{"org", {{"id", org_id}, {"name", org_name}}},
              {"groups", json::array()},
              {"users", json::array()},
              {"members", json::array()}};
  for (const OrgGroup& g : groups_) {
    json emails = json::array();
    for (const std::string& uid : g.user_ids) emails.push_back(FindUser(uid)->email);
    out["groups"].push_back({{"id", g.id}, {"name", g.name}, {"members", emails}});
  }
  for (const OrgUser& u : users_) {
    json row = {{"id", u.id}, {"email", u.email}, {"first", u.first}, {"last", u.last}, {"name", u.name}};
    if (u.mobile) row["mobile"] = *u.mobile;
    out["users"].push_back(row);
  }
  for (const OrgMember& m : members_) {
    json groups = json::array();
    for (const OrgGroup& g : groups_) {
      if (std::ranges::find(g.user_ids, m.user_id) != g.user_ids.end()) groups.push_back(g.id);
    }
    out["members"].push_back({{"email", FindUser(m.user_id)->email},
                              {"userId", m.user_id},
                              {"role", m.role},
                              {"status", m.status},
                              {"externalId", m.external_id ? json(*m.external_id) : json(nullptr)},
                              {"groups", groups}});
  }
  return out;
}

}  // namespace idsync::sim
