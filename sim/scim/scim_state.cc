#include "sim/scim/scim_state.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace idsync::sim::scim {
namespace {

using nlohmann::json;

constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr const char* kListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
constexpr const char* kPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json Nullable(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

ScimFailure Bad(std::string scim_type, std::string detail) { return {400, std::move(scim_type), std::move(detail)}; }

// A string field of a spec: nullopt when absent or null; `error` set when not a string.
std::optional<std::string> Str(const json& spec, const char* key, std::string* error) {
  if (!spec.contains(key) || spec[key].is_null()) return std::nullopt;
  if (!spec[key].is_string()) {
    *error = std::string(key) + " must be a string";
    return std::nullopt;
  }
  return spec[key].get<std::string>();
}

bool HasSchema(const json& body, const char* schema) {
  if (!body.contains("schemas") || !body["schemas"].is_array()) return false;
  return std::ranges::any_of(body["schemas"], [&](const json& s) { return s == schema; });
}

json Page(const json& resources, int64_t total, int64_t start_index) {
  return {{"schemas", {kListSchema}}, {"totalResults", total}, {"startIndex", start_index},
          {"itemsPerPage", resources.size()}, {"Resources", resources}};
}

template <typename T, typename Fn>
json Slice(const std::vector<const T*>& items, int64_t start_index, int64_t count, Fn to_json) {
  start_index = std::max<int64_t>(start_index, 1);
  json resources = json::array();
  for (int64_t i = start_index - 1; i < static_cast<int64_t>(items.size()) && count > 0; ++i, --count)
    resources.push_back(to_json(*items[static_cast<size_t>(i)]));
  return Page(resources, static_cast<int64_t>(items.size()), start_index);
}

// One replace/add/remove of a User attribute by path.
std::optional<ScimFailure> ApplyUserOp(User& u, const std::string& op, const std::string& path, const json& value) {
  const std::string p = Lower(path);
  std::optional<std::string>* field = nullptr;
  if (p == "name.givenname") field = &u.given_name;
  else if (p == "name.familyname") field = &u.family_name;
  else if (p == "displayname") field = &u.display_name;
  else if (p == "externalid") field = &u.external_id;
  if (p == "active") {
    if (op == "remove" || !value.is_boolean()) return Bad("invalidValue", "active must be a boolean");
    u.active = value.get<bool>();
    return std::nullopt;
  }
  if (!field) return Bad("invalidPath", "the path \"" + path + "\" is not supported here");
  if (op == "remove") {
    field->reset();
    return std::nullopt;
  }
  if (!value.is_string()) return Bad("invalidValue", path + " must be a string");
  *field = value.get<std::string>();
  return std::nullopt;
}

}  // namespace

json ScimFailure::Body() const {
  json body = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
               {"status", std::to_string(status)}};
  if (!scim_type.empty()) body["scimType"] = scim_type;
  body["detail"] = detail;
  return body;
}

std::optional<std::string> ParseUserNameFilter(const std::string& filter) {
  return ParseEqFilter(filter, "username");
}

std::optional<std::string> ParseEqFilter(const std::string& filter, std::string_view attribute) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < filter.size() && filter[i] == ' ') ++i;
  };
  auto word = [&](std::string_view w) {
    skip_spaces();
    if (Lower(filter.substr(i, w.size())) != w) return false;
    i += w.size();
    return i < filter.size() && filter[i] == ' ';
  };
  if (!word(attribute) || !word("eq")) return std::nullopt;
  skip_spaces();
  if (i >= filter.size() || filter[i] != '"') return std::nullopt;
  std::string value;
  for (++i; i < filter.size(); ++i) {
    if (filter[i] == '\\' && i + 1 < filter.size()) {
      value += filter[++i];
    } else if (filter[i] == '"') {
      ++i;
      skip_spaces();
      return i == filter.size() ? std::optional(value) : std::nullopt;
    } else {
      value += filter[i];
    }
  }
  return std::nullopt;  // unterminated
}

std::string State::NewId() {
  char id[40];
  std::snprintf(id, sizeof id, "5c1a0000-0000-4000-8000-%012lld", static_cast<long long>(next_id_++));
  return id;
}

void State::Index(size_t i) {
  by_id_[users_[i].id] = i;
  by_name_[Lower(users_[i].user_name)] = i;
  if (!users_[i].hidden) listed_.push_back(i);
}

void State::Reindex() {
  by_id_.clear();
  by_name_.clear();
  listed_.clear();
  for (size_t i = 0; i < users_.size(); ++i) Index(i);
}

const User* State::FindUser(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &users_[it->second];
}

User* State::MutableUser(const std::string& id) { return const_cast<User*>(FindUser(id)); }

const User* State::FindUserName(const std::string& user_name) const {
  auto it = by_name_.find(Lower(user_name));
  return it == by_name_.end() ? nullptr : &users_[it->second];
}

const Group* State::FindGroup(const std::string& id) const {
  auto it = std::ranges::find(groups_, id, &Group::id);
  return it == groups_.end() ? nullptr : &*it;
}

std::optional<std::string> State::AddGroup(const json& spec, const std::string& where) {
  std::string error;
  auto name = Str(spec, "displayName", &error);
  auto id = Str(spec, "id", &error);
  if (!error.empty()) return where + ": " + error;
  if (!name || name->empty()) return where + ": displayName is required";
  if (id && FindGroup(*id)) return where + ": the group id " + *id + " is used twice";
  groups_.push_back({id.value_or(NewId()), *name, {}});
  return std::nullopt;
}

std::optional<std::string> State::AddUser(const json& spec, const std::string& where) {
  std::string error;
  User u;
  auto user_name = Str(spec, "userName", &error);
  auto id = Str(spec, "id", &error);
  u.given_name = Str(spec, "givenName", &error);
  u.family_name = Str(spec, "familyName", &error);
  u.display_name = Str(spec, "displayName", &error);
  u.external_id = Str(spec, "externalId", &error);
  for (const char* flag : {"active", "hidden"}) {
    if (spec.contains(flag) && !spec[flag].is_boolean()) error = std::string(flag) + " must be true or false";
  }
  if (!error.empty()) return where + ": " + error;
  if (!user_name || user_name->empty()) return where + ": userName is required";
  if (FindUserName(*user_name)) return where + ": userName " + *user_name + " already exists";
  if (id && FindUser(*id)) return where + ": the user id " + *id + " is used twice";
  u.user_name = *user_name;
  u.id = id.value_or(NewId());
  u.active = spec.value("active", true);
  u.hidden = spec.value("hidden", false);
  std::vector<Group*> member_of;
  if (spec.contains("groups")) {
    if (!spec["groups"].is_array()) return where + ": groups must be a list of displayNames";
    for (const json& name : spec["groups"]) {
      auto g = std::ranges::find(groups_, name.is_string() ? name.get<std::string>() : "", &Group::display_name);
      if (g == groups_.end()) return where + ": no group named " + name.dump();
      member_of.push_back(&*g);
    }
  }
  for (Group* g : member_of) g->members.push_back(u.id);
  users_.push_back(std::move(u));
  Index(users_.size() - 1);
  return std::nullopt;
}

std::optional<ScimFailure> State::Drift(const json& spec) {
  std::string error;
  auto user_name = Str(spec, "userName", &error);
  const User* found = user_name ? FindUserName(*user_name) : nullptr;
  if (!found) return ScimFailure{404, "", "no user named " + user_name.value_or("(none)")};
  User& u = *MutableUser(found->id);
  if (spec.contains("active")) {
    if (!spec["active"].is_boolean()) return Bad("invalidValue", "active must be true or false");
    u.active = spec["active"].get<bool>();
  }
  if (spec.contains("groups")) {
    if (!spec["groups"].is_array()) return Bad("invalidValue", "groups must be a list of displayNames");
    for (const json& name : spec["groups"]) {
      if (!name.is_string() || std::ranges::find(groups_, name.get<std::string>(), &Group::display_name) == groups_.end())
        return ScimFailure{404, "", "no group named " + name.dump()};
    }
    for (Group& g : groups_) {
      std::erase(g.members, u.id);
      if (std::ranges::find(spec["groups"], json(g.display_name)) != spec["groups"].end()) g.members.push_back(u.id);
    }
  }
  return std::nullopt;
}

json State::ServiceProviderConfigJson() const {
  return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
          {"patch", {{"supported", config.patch}}},
          {"bulk", {{"supported", false}, {"maxOperations", 0}, {"maxPayloadSize", 0}}},
          {"filter", {{"supported", config.filter}, {"maxResults", config.max_results}}},
          {"changePassword", {{"supported", false}}},
          {"sort", {{"supported", false}}},
          {"etag", {{"supported", false}}},
          {"authenticationSchemes", {{{"type", "oauthbearertoken"}, {"name", "OAuth Bearer Token"},
                                      {"description", "Bearer token in the Authorization header"}}}}};
}

json State::UserJson(const User& u) const {
  json j = {{"schemas", {kUserSchema}}, {"id", u.id}, {"userName", u.user_name}};
  if (u.external_id) j["externalId"] = *u.external_id;
  json name = json::object();
  if (u.given_name) name["givenName"] = *u.given_name;
  if (u.family_name) name["familyName"] = *u.family_name;
  if (!name.empty()) j["name"] = name;
  if (u.display_name) j["displayName"] = *u.display_name;
  j["active"] = u.active;
  j["emails"] = {{{"value", u.user_name}, {"type", "work"}, {"primary", true}}};
  j["meta"] = {{"resourceType", "User"}, {"location", "/scim/v2/Users/" + u.id}};
  return j;
}

json State::GroupJson(const Group& g) const {
  json members = json::array();
  for (const std::string& id : g.members) {
    const User* u = FindUser(id);
    members.push_back({{"value", id}, {"display", u ? u->user_name : id}});
  }
  return {{"schemas", {kGroupSchema}}, {"id", g.id}, {"displayName", g.display_name}, {"members", members},
          {"meta", {{"resourceType", "Group"}, {"location", "/scim/v2/Groups/" + g.id}}}};
}

json State::ListUsers(int64_t start_index, int64_t count) const {
  start_index = std::max<int64_t>(start_index, 1);
  json resources = json::array();
  const auto listed = static_cast<int64_t>(listed_.size());
  for (int64_t i = start_index - 1; i < listed && count > 0; ++i, --count) {
    resources.push_back(UserJson(users_[listed_[static_cast<size_t>(i)]]));
  }
  return Page(resources, listed, start_index);
}

std::optional<json> State::FindUsers(const std::string& filter, ScimFailure* failure) const {
  auto wanted = ParseUserNameFilter(filter);
  if (!config.filter || !wanted) {
    *failure = Bad("invalidFilter", config.filter ? "only the filter userName eq \"...\" is supported"
                                                  : "filtering is not supported");
    return std::nullopt;
  }
  const User* u = FindUserName(*wanted);
  json resources = json::array();
  if (u) resources.push_back(UserJson(*u));
  return Page(resources, u ? 1 : 0, 1);
}

json State::ListGroups(int64_t start_index, int64_t count) const {
  std::vector<const Group*> all;
  for (const Group& g : groups_) all.push_back(&g);
  return Slice(all, start_index, count, [this](const Group& g) { return GroupJson(g); });
}

const User* State::Create(const json& body, ScimFailure* failure) {
  if (!body.is_object() || !HasSchema(body, kUserSchema)) {
    *failure = Bad("invalidSyntax", std::string("a User needs schemas [\"") + kUserSchema + "\"]");
    return nullptr;
  }
  if (!body.contains("userName") || !body["userName"].is_string() || body["userName"].get<std::string>().empty()) {
    *failure = Bad("invalidValue", "userName is required");
    return nullptr;
  }
  if (FindUserName(body["userName"].get<std::string>())) {
    *failure = {409, "uniqueness", "userName " + body["userName"].get<std::string>() + " already exists"};
    return nullptr;
  }
  json spec = {{"userName", body["userName"]}, {"active", body.value("active", true)}};
  if (body.contains("name") && body["name"].is_object()) {
    for (const char* key : {"givenName", "familyName"})
      if (body["name"].contains(key)) spec[key] = body["name"][key];
  }
  for (const char* key : {"displayName", "externalId"})
    if (body.contains(key)) spec[key] = body[key];
  if (auto error = AddUser(spec, "User")) {
    *failure = Bad("invalidValue", *error);
    return nullptr;
  }
  return &users_.back();
}

std::optional<ScimFailure> State::PatchUser(const std::string& id, const json& body) {
  User* u = MutableUser(id);
  if (!u) return ScimFailure{404, "", "Resource " + id + " not found"};
  if (!body.is_object() || !HasSchema(body, kPatchSchema) || !body.contains("Operations") || !body["Operations"].is_array())
    return Bad("invalidSyntax", "a PatchOp with Operations is expected");
  User patched = *u;
  for (const json& operation : body["Operations"]) {
    const std::string op = Lower(operation.value("op", ""));
    if (op != "add" && op != "replace" && op != "remove") return Bad("invalidSyntax", "unknown op " + operation.value("op", ""));
    const json value = operation.contains("value") ? operation["value"] : json();
    if (!operation.contains("path")) {  // path-less: value is an object of attributes
      if (!value.is_object()) return Bad("noTarget", "an operation without a path needs an object value");
      for (const auto& [key, v] : value.items()) {
        if (key == "name" && v.is_object()) {
          for (const auto& [sub, sv] : v.items())
            if (auto f = ApplyUserOp(patched, op, "name." + sub, sv)) return f;
        } else if (auto f = ApplyUserOp(patched, op, key, v)) {
          return f;
        }
      }
      continue;
    }
    if (auto f = ApplyUserOp(patched, op, operation["path"].is_string() ? operation["path"].get<std::string>() : "", value))
      return f;
  }
  *u = std::move(patched);
  return std::nullopt;
}

std::optional<ScimFailure> State::PatchGroup(const std::string& id, const json& body) {
  auto g = std::ranges::find(groups_, id, &Group::id);
  if (g == groups_.end()) return ScimFailure{404, "", "Resource " + id + " not found"};
  if (!body.is_object() || !HasSchema(body, kPatchSchema) || !body.contains("Operations") || !body["Operations"].is_array())
    return Bad("invalidSyntax", "a PatchOp with Operations is expected");
  std::vector<std::string> members = g->members;
  for (const json& operation : body["Operations"]) {
    const std::string op = Lower(operation.value("op", ""));
    const std::string path = operation.contains("path") && operation["path"].is_string() ? operation["path"].get<std::string>() : "";
    const json value = operation.contains("value") ? operation["value"] : json::array();
    std::vector<std::string> ids;
    std::string filter_value;
    if (Lower(path) == "members") {
      if (!value.is_array()) return Bad("invalidValue", "members must be a list of {value}");
      for (const json& m : value) {
        if (!m.is_object() || !m.contains("value") || !m["value"].is_string()) return Bad("invalidValue", "a member needs a value");
        ids.push_back(m["value"].get<std::string>());
      }
    } else if (path.size() > 9 && Lower(path.substr(0, 8)) == "members[" && path.back() == ']') {
      auto v = ParseEqFilter(path.substr(8, path.size() - 9), "value");
      if (!v || op != "remove") return Bad("invalidPath", "unsupported path \"" + path + "\"");
      ids.push_back(*v);
    } else {
      return Bad("invalidPath", "unsupported path \"" + path + "\"");
    }
    if (op == "add" || op == "replace") {
      if (op == "replace") members.clear();
      for (const std::string& m : ids) {
        if (!FindUser(m)) return Bad("invalidValue", "no user with id " + m);
        if (std::ranges::find(members, m) == members.end()) members.push_back(m);
      }
    } else if (op == "remove") {
      for (const std::string& m : ids) std::erase(members, m);
    } else {
      return Bad("invalidSyntax", "unknown op " + operation.value("op", ""));
    }
  }
  g->members = std::move(members);
  return std::nullopt;
}

bool State::DeleteUser(const std::string& id) {
  auto it = std::ranges::find(users_, id, &User::id);
  if (it == users_.end()) return false;
  for (Group& g : groups_) std::erase(g.members, id);
  users_.erase(it);
  Reindex();
  return true;
}

json State::Dump() const {
  json out = {{"config", {{"filter", config.filter}, {"maxResults", config.max_results}, {"patch", config.patch}}},
              {"groups", json::array()}, {"users", json::array()}};
  for (const Group& g : groups_) {
    json members = json::array();
    for (const std::string& id : g.members)
      if (const User* u = FindUser(id)) members.push_back(u->user_name);
    std::sort(members.begin(), members.end());
    out["groups"].push_back({{"id", g.id}, {"displayName", g.display_name}, {"members", members}});
  }
  for (const User& u : users_) {
    json groups = json::array();
    for (const Group& g : groups_)
      if (std::ranges::find(g.members, u.id) != g.members.end()) groups.push_back(g.display_name);
    std::sort(groups.begin(), groups.end());
    out["users"].push_back({{"id", u.id}, {"userName", u.user_name}, {"givenName", Nullable(u.given_name)},
                            {"familyName", Nullable(u.family_name)}, {"displayName", Nullable(u.display_name)},
                            {"externalId", Nullable(u.external_id)}, {"active", u.active}, {"hidden", u.hidden},
                            {"groups", groups}});
  }
  std::sort(out["users"].begin(), out["users"].end(),
            [](const json& a, const json& b) { return a["userName"] < b["userName"]; });
  return out;
}

}  // namespace idsync::sim::scim
