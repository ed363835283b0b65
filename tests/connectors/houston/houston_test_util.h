// Shared helpers of the houston connector tests: a connector over FakeHttpClient and
// Houston answers built as houston.md shows them.
#pragma once

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "connectors/houston/houston_connector.h"
#include "connectors/guarded_connector.h"
#include "tests/connectors/fake_http.h"

namespace idsync::houston_test {

using nlohmann::json;

inline constexpr const char* kUrl = "https://houston.example.com/v1";
inline constexpr const char* kKey = "hk-2f8c1d9e7a";

struct Fixture {
  testing::FakeHttpClient fake;
  // Built as MakeConnector builds it: wrapped, so refusals and scrubbing are tested too.
  GuardedConnector connector{std::make_unique<HoustonConnector>("astro", kUrl, kKey, fake), "astro", {kKey}};

  json Sent(std::size_t i) const { return json::parse(fake.requests().at(i).body); }
  void Push(const json& answer, int status = 200) { fake.Push(testing::Answer(status, answer.dump())); }
  // Scripts one listing: Workspaces, one Users page, Invites.
  void PushListing(const json& workspaces, const json& users, const json& invites) {
    Push({{"data", {{"workspaces", workspaces.is_null() ? json::array() : workspaces}}}});
    Push({{"data", {{"users", users.is_null() ? json::array() : users}}}});
    Push({{"data", {{"invites", invites.is_null() ? json::array() : invites}}}});
  }
};

inline json Envelope(const char* query, const char* operation, json variables) {
  return json{{"query", query}, {"operationName", operation}, {"variables", std::move(variables)}};
}

// A cuid-like id that sorts by n.
inline std::string Id(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "cku%08d", n);
  return buf;
}

inline json SystemBinding(const char* role) {
  return {{"role", role}, {"workspace", nullptr}, {"deployment", nullptr}};
}
inline json WorkspaceBinding(const char* role, const char* workspace) {
  return {{"role", role}, {"workspace", {{"id", workspace}}}, {"deployment", nullptr}};
}
inline json DeploymentBinding(const char* role, const char* deployment) {
  return {{"role", role}, {"workspace", nullptr}, {"deployment", {{"id", deployment}}}};
}

inline json UserJson(const std::string& id, const std::string& email, json bindings) {
  return {{"id", id},
          {"username", email},
          {"fullName", nullptr},
          {"status", "active"},
          {"emails", {{{"address", email}, {"primary", true}}}},
          {"roleBindings", bindings.is_null() ? json::array() : bindings}};
}

inline json InviteJson(const char* id, const char* email, const char* role, const char* workspace) {
  return {{"id", id},
          {"email", email},
          {"role", role},
          {"workspace", workspace ? json{{"id", workspace}} : json(nullptr)}};
}

// Houston's execution error: HTTP 200, {"data": {field: null}, "errors": [...]}.
inline std::string ErrorJson(const char* field, const std::string& message, const char* code) {
  return json{{"data", {{field, nullptr}}},
              {"errors", {{{"message", message}, {"path", {field}}, {"extensions", {{"code", code}}}}}}}
      .dump();
}

}  // namespace idsync::houston_test
