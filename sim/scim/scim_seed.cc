#include "sim/scim/scim_seed.h"

#include <charconv>
#include <string_view>

#include "sim/seed.h"

namespace idsync::sim::scim {
namespace {

using nlohmann::json;

// A seed scalar as JSON: quoted scalars stay strings; plain true/false and integers
// become booleans and numbers.
json SeedToJson(const YAML::Node& node) {
  if (!node || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(SeedToJson(item));
    return out;
  }
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& kv : node) out[kv.first.as<std::string>()] = SeedToJson(kv.second);
    return out;
  }
  const std::string text = node.Scalar();
  if (node.Tag() == "!") return text;
  if (text == "true") return true;
  if (text == "false") return false;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return n;
  return text;
}

}  // namespace

std::string ReadSeed(const YAML::Node& section, State* out, std::string* token) {
  if (std::string e = CheckKeys(section, "scim", {"credentials", "config", "groups", "users"}); !e.empty()) return e;
  if (std::string e = ReadCredential(section, "scim", "token", " needs token", true, token); !e.empty()) return e;

  if (YAML::Node config = section["config"]; config && !config.IsNull()) {
    if (std::string e = CheckKeys(config, "scim.config", {"filter", "maxResults", "patch"}); !e.empty()) return e;
    json c = SeedToJson(config);
    for (const char* flag : {"filter", "patch"})
      if (c.contains(flag) && !c[flag].is_boolean()) return SeedError(config, std::string("seed: scim.config.") + flag + " must be true or false");
    if (c.contains("maxResults") && !c["maxResults"].is_number_integer())
      return SeedError(config, "seed: scim.config.maxResults must be an integer");
    out->config.filter = c.value("filter", true);
    out->config.patch = c.value("patch", true);
    out->config.max_results = c.value("maxResults", int64_t{200});
  }
  for (const char* list : {"groups", "users"}) {
    YAML::Node items = section[list];
    if (!items || items.IsNull()) continue;
    if (!items.IsSequence()) return SeedError(items, std::string("seed: scim.") + list + " must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string where = std::string("scim.") + list + "[" + std::to_string(i) + "]";
      const bool is_group = std::string_view(list) == "groups";
      if (std::string e = is_group ? CheckKeys(items[i], where, {"displayName", "id"})
                                   : CheckKeys(items[i], where, {"userName", "givenName", "familyName", "displayName",
                                                                 "active", "externalId", "groups", "id", "hidden"});
          !e.empty()) {
        return e;
      }
      json spec = SeedToJson(items[i]);
      auto failure = is_group ? out->AddGroup(spec, where) : out->AddUser(spec, where);
      if (failure) return SeedError(items[i], "seed: " + *failure);
    }
  }
  return "";
}

}  // namespace idsync::sim::scim
