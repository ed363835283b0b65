// Shared pieces of the scim connector tests: a connector over a scripted HttpClient
// and the answers a provider gives.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/scim/scim_connector.h"
#include "connectors/guarded_connector.h"
#include "tests/connectors/fake_http.h"

namespace idsync::testing {

inline constexpr const char* kBase = "https://app.example/scim/v2";
inline constexpr const char* kToken = "tok-secret-123";

inline std::string Spc(bool patch = true, bool filter = true, int max_results = 200) {
  return nlohmann::json{{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
                        {"patch", {{"supported", patch}}},
                        {"filter", {{"supported", filter}, {"maxResults", max_results}}}}
      .dump();
}

inline nlohmann::json UserJson(const std::string& id, const std::string& user_name, bool active = true) {
  return {{"id", id}, {"userName", user_name}, {"active", active}, {"displayName", "Name " + id}};
}

inline std::string ListBody(const std::vector<nlohmann::json>& resources, int total) {
  return nlohmann::json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:ListResponse"}},
                        {"totalResults", total}, {"Resources", resources}}
      .dump();
}

inline std::string ErrorBody(int status, const std::string& scim_type, const std::string& detail) {
  nlohmann::json body = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                         {"status", std::to_string(status)}, {"detail", detail}};
  if (!scim_type.empty()) body["scimType"] = scim_type;
  return body.dump();
}

inline std::string HeaderOf(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (HeaderNameEquals(k, name)) return v;
  return "";
}

// Every request carries the bearer token and the Accept header; bodies are SCIM JSON.
inline void CheckHeaders(const HttpRequest& r) {
  CAPTURE(r.url);
  CHECK(HeaderOf(r, "Authorization") == std::string("Bearer ") + kToken);
  CHECK(HeaderOf(r, "Accept") == "application/scim+json, application/json");
  CHECK(HeaderOf(r, "Content-Type") == (r.body.empty() ? "" : "application/scim+json"));
}

struct ScimFixture {
  FakeHttpClient http;
  // Built as MakeConnector builds it: wrapped, so refusals and scrubbing are tested too.
  GuardedConnector connector{std::make_unique<ScimConnector>("app", std::string(kBase) + "/", kToken, http), "app", {kToken}};

  std::vector<HttpRequest> Requests() const {
    auto requests = http.requests();
    for (const auto& r : requests) CheckHeaders(r);
    return requests;
  }
  // One listing: config (when `with_config`), users and groups in one page each.
  LiveState ListOnce(const std::vector<nlohmann::json>& users, const std::vector<nlohmann::json>& groups, const ListContext& context,
                     bool with_config = true) {
    if (with_config) http.Push(Answer(200, Spc()));
    http.Push(Answer(200, ListBody(users, static_cast<int>(users.size()))));
    http.Push(Answer(200, ListBody(groups, static_cast<int>(groups.size()))));
    auto live = connector.List(context);
    INFO(live.status().message());
    REQUIRE(live.ok());
    return *live;
  }
};

inline nlohmann::json Body(const HttpRequest& r) { return nlohmann::json::parse(r.body); }

}  // namespace idsync::testing
