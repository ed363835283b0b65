#include "reconcile/grants_json.h"

#include "reconcile/grants_json_value.h"

namespace idsync {

nlohmann::ordered_json GrantsToJsonValue(const Grants& grants) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (grants.single) out["single"] = *grants.single;
  if (!grants.scoped.empty()) {
    nlohmann::ordered_json scoped = nlohmann::ordered_json::object();
    for (const auto& [scope, role] : grants.scoped) scoped[scope] = role;
    out["scoped"] = std::move(scoped);
  }
  if (!grants.set.empty()) {
    nlohmann::ordered_json set = nlohmann::ordered_json::array();
    for (const auto& item : grants.set) set.push_back(item);
    out["set"] = std::move(set);
  }
  return out;
}

std::string GrantsToJson(const Grants& grants) { return GrantsToJsonValue(grants).dump(); }

namespace {

StatusOr<Grants> Parse(const std::string& json) {
  auto bad = [](const std::string& why) { return InvalidArgument("grants JSON: " + why); };
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("not valid JSON");
  if (!doc.is_object()) return bad("expected an object");
  Grants grants;
  for (const auto& [key, value] : doc.items()) {
    if (key == "single") {
      if (!value.is_string()) return bad("\"single\" must be a string");
      grants.single = value.get<std::string>();
    } else if (key == "scoped") {
      if (!value.is_object()) return bad("\"scoped\" must be an object of strings");
      for (const auto& [scope, role] : value.items()) {
        if (!role.is_string()) return bad("\"scoped\"." + scope + " must be a string");
        grants.scoped[scope] = role.get<std::string>();
      }
    } else if (key == "set") {
      if (!value.is_array()) return bad("\"set\" must be an array of strings");
      for (const auto& item : value) {
        if (!item.is_string()) return bad("\"set\" must be an array of strings");
        grants.set.insert(item.get<std::string>());
      }
    } else {
      return bad("unknown key \"" + key + "\"");
    }
  }
  return grants;
}

}  // namespace

StatusOr<Grants> GrantsFromJson(const std::string& json) {
  try {
    return Parse(json);
  } catch (const nlohmann::json::exception& e) {  // not expected: every access is checked
    return InvalidArgument(std::string("grants JSON: ") + e.what());
  }
}

}  // namespace idsync
