#include "connectors/scim/scim_wire.h"


#include <algorithm>
#include <memory>

#include "core/text.h"

namespace idsync::scim {
namespace {

using nlohmann::json;

// The object parsed from `body`, or nullopt when it is not a JSON object.
std::optional<json> ParseObject(std::string_view body) {
  json parsed = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::optional<std::string> StringAt(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool BoolAt(const json& object, const char* key, bool fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// A number, or a string of digits (some providers send "totalResults": "3").
std::optional<int64_t> IntAt(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_unsigned()) return static_cast<int64_t>(it->get<uint64_t>());
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (!s.empty() && s.size() < 18 && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; }))
      return std::stoll(s);
  }
  return std::nullopt;
}

std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

ScimUser ReadUser(const json& r) {
  ScimUser u;
  u.id = StringAt(r, "id").value_or("");
  u.user_name = StringAt(r, "userName").value_or("");
  u.active = BoolAt(r, "active", true);
  if (auto name = r.find("name"); name != r.end() && name->is_object()) {
    u.given_name = StringAt(*name, "givenName");
    u.family_name = StringAt(*name, "familyName");
  }
  u.display_name = StringAt(r, "displayName");
  u.external_id = StringAt(r, "externalId");
  return u;
}

ScimGroup ReadGroup(const json& r) {
  ScimGroup g;
  g.id = StringAt(r, "id").value_or("");
  g.display_name = StringAt(r, "displayName").value_or("");
  if (auto members = r.find("members"); members != r.end() && members->is_array()) {
    for (const json& m : *members) {
      if (!m.is_object()) continue;
      if (auto value = StringAt(m, "value")) g.members.push_back(*value);
    }
  }
  return g;
}

template <typename T, typename Read>
StatusOr<Page<T>> ParsePage(std::string_view body, Read read) {
  auto object = ParseObject(body);
  if (!object) return Internal("the answer is not a JSON object: " + BodySnippet(body));
  Page<T> page;
  page.total = IntAt(*object, "totalResults");
  auto resources = object->find("Resources");
  if (resources == object->end() || resources->is_null()) return page;  // an empty page may omit it
  if (!resources->is_array()) return Internal("Resources is not a list");
  for (const json& r : *resources) {
    if (!r.is_object()) return Internal("a Resources entry is not an object");
    page.resources.push_back(read(r));
  }
  return page;
}

std::pair<std::optional<std::string>, std::optional<std::string>> SplitName(const Profile& p) {
  if (!p.name) return {std::nullopt, std::nullopt};
  std::string name = Trim(*p.name);
  auto space = name.find_last_of(' ');
  if (name.empty()) return {std::nullopt, std::nullopt};
  if (space == std::string::npos) return {name, std::nullopt};
  return {Trim(name.substr(0, space)), name.substr(space + 1)};
}

}  // namespace

int ServiceProviderConfig::PageSize() const {
  return max_results > 0 ? static_cast<int>(std::min<int64_t>(100, max_results)) : 100;
}

StatusOr<ServiceProviderConfig> ParseServiceProviderConfig(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return Internal("ServiceProviderConfig is not a JSON object: " + BodySnippet(body));
  ServiceProviderConfig config;
  if (auto patch = object->find("patch"); patch != object->end() && patch->is_object())
    config.patch = BoolAt(*patch, "supported", false);
  if (auto filter = object->find("filter"); filter != object->end() && filter->is_object()) {
    config.filter = BoolAt(*filter, "supported", false);
    config.max_results = IntAt(*filter, "maxResults").value_or(0);
  }
  return config;
}

StatusOr<Page<ScimUser>> ParseUserPage(std::string_view body) {
  return ParsePage<ScimUser>(body, ReadUser);
}

StatusOr<Page<ScimGroup>> ParseGroupPage(std::string_view body) {
  return ParsePage<ScimGroup>(body, ReadGroup);
}

StatusOr<ScimUser> ParseUser(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return Internal("the User answer is not a JSON object: " + BodySnippet(body));
  ScimUser user = ReadUser(*object);
  if (user.id.empty()) return Internal("the User answer has no id");
  return user;
}

std::optional<ScimError> ParseError(std::string_view body) {
  auto object = ParseObject(body);
  if (!object) return std::nullopt;
  ScimError e;
  auto status = object->find("status");
  if (status != object->end() && status->is_string()) e.status = status->get<std::string>();
  else if (status != object->end() && status->is_number_integer()) e.status = std::to_string(status->get<int64_t>());
  e.scim_type = StringAt(*object, "scimType").value_or("");
  e.detail = StringAt(*object, "detail").value_or("");
  if (e.status.empty() && e.detail.empty() && e.scim_type.empty()) return std::nullopt;
  return e;
}

Status AnswerStatus(const HttpResponse& response, std::string_view what) {
  if (response.status >= 200 && response.status < 300) return OkStatus();
  auto error = ParseError(response.body);
  if (!error) return AsStatus(response, what);
  std::string message = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (!error->scim_type.empty()) message += " " + error->scim_type;
  if (!error->detail.empty()) message += ": " + BodySnippet(error->detail);
  return Status(MapHttpCodeToStatus(response.status), message);
}

std::string UserNameFilter(std::string_view user_name) {
  return "userName eq \"" + Escape(user_name) + "\"";
}

std::optional<std::string> GivenName(const Profile& profile) {
  return profile.given_name ? *profile.given_name : SplitName(profile).first;
}

std::optional<std::string> FamilyName(const Profile& profile) {
  return profile.family_name ? *profile.family_name : SplitName(profile).second;
}

json CreateUserBody(const std::string& email, const Profile& profile) {
  json body = {{"schemas", {kUserSchema}}, {"userName", email}};
  json name = json::object();
  if (auto given = GivenName(profile)) name["givenName"] = *given;
  if (auto family = FamilyName(profile)) name["familyName"] = *family;
  if (!name.empty()) body["name"] = name;
  if (profile.name) body["displayName"] = *profile.name;
  body["emails"] = {{{"value", email}, {"type", "work"}, {"primary", true}}};
  if (profile.external_id) body["externalId"] = *profile.external_id;
  body["active"] = true;
  return body;
}

json Replace(const std::string& path, json value) {
  return {{"op", "replace"}, {"path", path}, {"value", std::move(value)}};
}

json PatchOp(json operations) {
  return {{"schemas", {kPatchOpSchema}}, {"Operations", std::move(operations)}};
}

// json::array explicitly: clang reads a one-element brace list of a json as a copy of
// that element, not as an array holding it.
json SetActiveBody(bool active) { return PatchOp(json::array({Replace("active", active)})); }

json AddMemberBody(const std::string& user_id) {
  return PatchOp({{{"op", "add"}, {"path", "members"}, {"value", {{{"value", user_id}}}}}});
}

json RemoveMemberBody(const std::string& user_id) {
  return PatchOp({{{"op", "remove"}, {"path", "members[value eq \"" + Escape(user_id) + "\"]"}}});
}

}  // namespace idsync::scim
