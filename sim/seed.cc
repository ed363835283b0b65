#include "sim/seed.h"

#include <algorithm>

namespace idsync::sim {
namespace {

constexpr std::string_view kKnownPlatforms[] = {"houston", "astra", "orgadmin", "workspace", "scim"};

}  // namespace

std::string SeedError(const YAML::Node& node, const std::string& what) {
  if (node.IsDefined() && node.Mark().line >= 0) return what + " (line " + std::to_string(node.Mark().line + 1) + ")";
  return what;
}

std::variant<std::map<std::string, YAML::Node>, std::string> LoadSeed(
    std::string_view yaml_text, std::initializer_list<std::string_view> simulated) {
  std::map<std::string, YAML::Node> sections;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return "seed: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")";
  }
  if (!root || root.IsNull()) return sections;
  if (!root.IsMap()) return SeedError(root, "seed: the top level must be a map of platform sections");
  for (const auto& entry : root) {
    std::string name = entry.first.Scalar();
    if (std::ranges::find(kKnownPlatforms, name) == std::end(kKnownPlatforms)) {
      return SeedError(entry.first, "seed: unknown section \"" + name +
                                        "\" (expected houston, astra, orgadmin, workspace or scim)");
    }
    if (std::ranges::find(simulated, name) == simulated.end()) {
      return SeedError(entry.first, "seed: platform " + name + " is not simulated yet");
    }
    sections[name] = entry.second;
  }
  return sections;
}

std::string CheckKeys(const YAML::Node& node, const std::string& where, std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) return SeedError(node, "seed: " + where + " must be a map");
  for (const auto& entry : node) {
    std::string key = entry.first.Scalar();
    if (std::ranges::find(allowed, key) == allowed.end()) {
      return SeedError(entry.first, "seed: " + where + ": unknown key \"" + key + "\"");
    }
  }
  return "";
}

std::optional<std::string> ScalarAt(const YAML::Node& node, const std::string& key, const std::string& where,
                                    std::string* error) {
  YAML::Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) {
    *error = SeedError(value, "seed: " + where + "." + key + " must be a string");
    return std::nullopt;
  }
  return value.Scalar();
}

std::string ReadCredential(const YAML::Node& section, const std::string& platform, const std::string& key,
                           const std::string& missing, bool allow_empty, std::string* out) {
  const std::string where = platform + ".credentials";
  YAML::Node credentials = section["credentials"];
  if (!credentials) return SeedError(section, "seed: " + where + " { " + key + " } is required");
  if (std::string e = CheckKeys(credentials, where, {key}); !e.empty()) return e;
  std::string error;
  std::optional<std::string> value = ScalarAt(credentials, key, where, &error);
  if (!error.empty()) return error;
  if (!value || (!allow_empty && value->empty())) return SeedError(credentials, "seed: " + where + missing);
  *out = std::move(*value);
  return "";
}

nlohmann::json YamlToJson(const YAML::Node& node) {
  if (!node || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& entry : node) out[entry.first.Scalar()] = YamlToJson(entry.second);
    return out;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean())) return parsed;
  }
  return text;
}

}  // namespace idsync::sim
