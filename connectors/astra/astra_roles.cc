#include "connectors/astra/astra_roles.h"

#include <algorithm>
#include <cctype>

namespace idsync::astra_roles {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string ValidNames(const std::vector<astra_wire::Role>& roles) {
  std::vector<std::string> names;
  for (const auto& role : roles) names.push_back(role.name);
  std::ranges::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names.empty() ? "(the organization has no roles)" : Join(names);
}

}  // namespace

StatusOr<std::set<std::string>> Resolve(const std::set<std::string>& entries,
                                        const std::vector<astra_wire::Role>& roles,
                                        const std::string& what) {
  std::set<std::string> ids;
  for (const std::string& entry : entries) {
    const std::string wanted = Lower(entry);
    auto by_id = std::ranges::find_if(roles, [&](const auto& r) { return Lower(r.id) == wanted; });
    if (by_id != roles.end()) {
      ids.insert(by_id->id);
      continue;
    }
    std::vector<std::string> matches;
    for (const auto& role : roles) {
      if (Lower(role.name) == wanted) matches.push_back(role.id);
    }
    if (matches.empty()) {
      return InvalidArgument(what + ": unknown role \"" + entry + "\"; valid role names: " +
                             ValidNames(roles));
    }
    if (matches.size() > 1) {
      std::ranges::sort(matches);
      return InvalidArgument(what + ": role name \"" + entry + "\" matches " +
                             std::to_string(matches.size()) + " roles (ids " + Join(matches) +
                             "); use an id");
    }
    ids.insert(matches.front());
  }
  return ids;
}

std::map<std::string, std::string> Catalog(const std::vector<astra_wire::Role>& roles) {
  std::map<std::string, std::string> catalog;
  for (const auto& role : roles) catalog.try_emplace(role.name, role.id);
  return catalog;
}

std::vector<astra_wire::Role> FromCatalog(const std::map<std::string, std::string>& catalog) {
  std::vector<astra_wire::Role> roles;
  for (const auto& [name, id] : catalog) roles.push_back({id, name});
  return roles;
}

}  // namespace idsync::astra_roles
