// The simulator's seed file: one top-level section per platform (SPEC §7), e.g.
//   workspace:
//     credentials: { api_key: sim-key, api_secret: sim-secret }
//     users: [ { email: ..., name: ..., accountType: DEVELOPER } ]
// plus helpers platforms use to read their section strictly.
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace idsync::sim {

// The seed's sections by platform name, or an error message. Every section must name
// a known platform; a known one missing from `simulated` is an error that says so
// ("platform X is not simulated yet"). The server passes all five.
// Empty text is an empty seed.
std::variant<std::map<std::string, YAML::Node>, std::string> LoadSeed(std::string_view yaml_text,
                                                                      std::initializer_list<std::string_view> simulated);

// "<what> (line N)": an error about a seed node, with its 1-based line when known.
std::string SeedError(const YAML::Node& node, const std::string& what);

// "" when `node` is a map whose keys are all in `allowed`; else an error naming the
// first unknown key and `where` ("workspace.users[0]").
std::string CheckKeys(const YAML::Node& node, const std::string& where, std::initializer_list<std::string_view> allowed);

// The scalar at node[key]: nullopt when absent; `error` set when present but not a scalar.
std::optional<std::string> ScalarAt(const YAML::Node& node, const std::string& key, const std::string& where,
                                    std::string* error);

// The one credential `key` of section.credentials (a map holding only that key) into
// `out`, or an error: "seed: <platform>.credentials { <key> } is required" without
// the map, and "seed: <platform>.credentials<missing>" (e.g. " needs token") when the
// key is absent, or empty unless `allow_empty`.
std::string ReadCredential(const YAML::Node& section, const std::string& platform, const std::string& key,
                           const std::string& missing, bool allow_empty, std::string* out);

// A seed node as JSON: maps and lists as such; a plain scalar that reads as a JSON
// number, true, false or null becomes that; anything else (and every quoted scalar) a
// string.
nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace idsync::sim
