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

std::string GrantsToJson(const Grants& grants) {
  std::string out;
  AppendGrantsJson(out, grants);
  return out;
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t opened = out.size();
  out += '"';
  std::size_t plain = 0;  // the first character not copied yet
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte > 0x7F) {
      out.resize(opened);
      out += nlohmann::json(std::string(text)).dump();
      return;
    }
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
  }
  out.append(text, plain, std::string::npos);
  out += '"';
}

void AppendGrantsJson(std::string& out, const Grants& grants) {
  out += '{';
  bool first = true;
  auto member = [&](const char* key) {
    if (!first) out += ',';
    first = false;
    out += key;
  };
  if (grants.single) {
    member("\"single\":");
    AppendJsonString(out, *grants.single);
  }
  if (!grants.scoped.empty()) {
    member("\"scoped\":{");
    bool first_scope = true;
    for (const auto& [scope, role] : grants.scoped) {
      if (!first_scope) out += ',';
      first_scope = false;
      AppendJsonString(out, scope);
      out += ':';
      AppendJsonString(out, role);
    }
    out += '}';
  }
  if (!grants.set.empty()) {
    member("\"set\":[");
    bool first_item = true;
    for (const auto& item : grants.set) {
      if (!first_item) out += ',';
      first_item = false;
      AppendJsonString(out, item);
    }
    out += ']';
  }
  out += '}';
}

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
