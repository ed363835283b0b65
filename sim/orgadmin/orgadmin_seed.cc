#include "sim/orgadmin/orgadmin_seed.h"

#include <cctype>
#include <vector>

#include "sim/seed.h"

namespace idsync::sim {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Reads a list of maps at section[key], calling `each(node, where)` for each item.
template <typename Each>
std::string ForEach(const YAML::Node& section, const char* key, Each each) {
  YAML::Node items = section[key];
  if (!items || items.IsNull()) return "";
  if (!items.IsSequence()) return SeedError(items, std::string("seed: orgadmin.") + key + " must be a list");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string where = std::string("orgadmin.") + key + "[" + std::to_string(i) + "]";
    if (std::string e = each(items[i], where); !e.empty()) return e;
  }
  return "";
}

}  // namespace

std::string ReadOrgadminSeed(const YAML::Node& section, OrgadminState* out, std::string* token) {
  if (std::string e = CheckKeys(section, "orgadmin", {"credentials", "org", "groups", "users", "members"}); !e.empty()) {
    return e;
  }
  std::string error;
  if (std::string e = ReadCredential(section, "orgadmin", "token", " needs token", true, token); !e.empty()) return e;

  YAML::Node org = section["org"];
  if (!org) return SeedError(section, "seed: orgadmin.org { id, name } is required");
  if (std::string e = CheckKeys(org, "orgadmin.org", {"id", "name"}); !e.empty()) return e;
  auto org_id = ScalarAt(org, "id", "orgadmin.org", &error);
  auto org_name = ScalarAt(org, "name", "orgadmin.org", &error);
  if (!error.empty()) return error;
  if (!org_id || !IsUuid(*org_id)) return SeedError(org, "seed: orgadmin.org.id must be a UUID");
  out->org_id = Lower(*org_id);
  out->org_name = org_name.value_or("");

  std::string e = ForEach(section, "groups", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"id", "name"}); !k.empty()) return k;
    auto id = ScalarAt(node, "id", where, &error);
    auto name = ScalarAt(node, "name", where, &error);
    if (!error.empty()) return error;
    std::string added = out->AddGroup({id.value_or(""), name.value_or(""), {}});
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
  if (!e.empty()) return e;
  e = ForEach(section, "users", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"email", "first", "last", "name", "mobile", "id"}); !k.empty()) return k;
    auto email = ScalarAt(node, "email", where, &error);
    auto first = ScalarAt(node, "first", where, &error);
    auto last = ScalarAt(node, "last", where, &error);
    auto name = ScalarAt(node, "name", where, &error);
    auto mobile = ScalarAt(node, "mobile", where, &error);
    auto id = ScalarAt(node, "id", where, &error);
    if (!error.empty()) return error;
    if (!first || !last) return SeedError(node, "seed: " + where + ": first and last are required");
    std::string added = out->AddUser({id.value_or(""), email.value_or(""), *first, *last, name.value_or(""), mobile});
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
  if (!e.empty()) return e;
  return ForEach(section, "members", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"email", "role", "status", "externalId", "groups"}); !k.empty()) return k;
    auto email = ScalarAt(node, "email", where, &error);
    auto role = ScalarAt(node, "role", where, &error);
    auto status = ScalarAt(node, "status", where, &error);
    auto external_id = ScalarAt(node, "externalId", where, &error);
    if (!error.empty()) return error;
    std::vector<std::string> groups;
    if (YAML::Node list = node["groups"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return SeedError(list, "seed: " + where + ".groups must be a list");
      for (const auto& g : list) groups.push_back(g.as<std::string>());
    }
    std::string added = out->AddMember(email.value_or(""),
                                       {"", role.value_or("user"), status.value_or("active"), external_id}, groups);
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
}

}  // namespace idsync::sim
