// The simulated SCIM provider's data (platforms/scim.md): users and groups in memory,
// the answers' JSON, and what PatchOps do to them. No HTTP here: scim.cc maps the
// routes onto these calls.
//
// Thread-safety: none; the owner (ScimSim) holds its mutex around every call.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace idsync::sim::scim {

// A SCIM failure: the HTTP status, scimType ("" for none) and detail.
struct ScimFailure {
  int status = 400;
  std::string scim_type;
  std::string detail;
  // {"schemas": [Error], "status": "<n>", "scimType"?, "detail"}
  nlohmann::json Body() const;
};

struct ProviderConfig {
  bool filter = true;
  int64_t max_results = 200;
  bool patch = true;
};

struct User {
  std::string id;
  std::string user_name;
  std::optional<std::string> given_name, family_name, display_name, external_id;
  bool active = true;
  bool hidden = false;  // left out of unfiltered listings; found by filter and id
};

struct Group {
  std::string id;
  std::string display_name;
  std::vector<std::string> members;  // user ids, in order added
};

// A user as seeded or added by control: the user and the displayNames of its groups.
struct UserSpec {
  User user;
  std::vector<std::string> groups;
};

class State {
 public:
  ProviderConfig config;

  // Seed and control input, from JSON (the seed's YAML converted). Errors name `where`.
  std::optional<std::string> AddGroup(const nlohmann::json& spec, const std::string& where);
  std::optional<std::string> AddUser(const nlohmann::json& spec, const std::string& where);
  // drift: `active` and/or `groups` (displayNames: exactly those memberships).
  std::optional<ScimFailure> Drift(const nlohmann::json& spec);

  nlohmann::json ServiceProviderConfigJson() const;
  // GET /Users: startIndex/count paging, or a `userName eq` filter (when not empty).
  nlohmann::json ListUsers(int64_t start_index, int64_t count) const;
  std::optional<nlohmann::json> FindUsers(const std::string& filter, ScimFailure* failure) const;
  nlohmann::json ListGroups(int64_t start_index, int64_t count) const;

  const User* FindUser(const std::string& id) const;
  const Group* FindGroup(const std::string& id) const;
  nlohmann::json UserJson(const User& u) const;
  nlohmann::json GroupJson(const Group& g) const;

  // POST /Users body -> the created user, or the failure (400, 409 uniqueness).
  const User* Create(const nlohmann::json& body, ScimFailure* failure);
  // PATCH /Users/{id} and /Groups/{id}: nullopt when applied.
  std::optional<ScimFailure> PatchUser(const std::string& id, const nlohmann::json& body);
  std::optional<ScimFailure> PatchGroup(const std::string& id, const nlohmann::json& body);
  bool DeleteUser(const std::string& id);  // false: no such user

  // The seed's shape: {config, groups: [{id, displayName, members: [userName]}],
  // users: [{id, userName, givenName, familyName, displayName, externalId, active,
  // hidden, groups: [displayName]}]} (absent fields null).
  nlohmann::json Dump() const;

 private:
  User* MutableUser(const std::string& id);
  const User* FindUserName(const std::string& user_name) const;
  std::string NewId();
  // Adds users_[i] to the indexes below; Reindex() rebuilds them after an erase.
  void Index(size_t i);
  void Reindex();

  std::vector<User> users_;
  // Positions in users_: by id, by lower-case userName, and of the users an
  // unfiltered listing shows (not hidden), in order. Lookups and pages cost what
  // they return, not the number of users.
  std::unordered_map<std::string, size_t> by_id_, by_name_;
  std::vector<size_t> listed_;
  std::vector<Group> groups_;
  int64_t next_id_ = 1;
};

// `userName eq "<value>"` (attribute and operator case-insensitive, `\"` and `\\`
// escapes) -> the value; nullopt for any other filter.
std::optional<std::string> ParseUserNameFilter(const std::string& filter);
// `<attribute> eq "<value>"` likewise; `attribute` in lowercase ("value").
std::optional<std::string> ParseEqFilter(const std::string& filter, std::string_view attribute);

}  // namespace idsync::sim::scim
