// A SimServer with a houston seed on 127.0.0.1 port 0 in this process, spoken to over
// real HTTP with httplib::Client as a Houston client would.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/server.h"
#include "tests/sim/sim_client.h"

namespace idsync::sim::houston_test {

using nlohmann::json;

inline constexpr const char* kSeed = R"(
houston:
  credentials: { api_key: sim-houston-key }
  workspaces:
    - { id: ckws1, label: Data, deployments: [ { id: ckdep1, label: etl } ] }
    - { id: ckws2, label: ML }
  users:
    - { id: cku001, email: root@acme.io, fullName: Root, system: SYSTEM_ADMIN }
    - { id: cku002, email: Alice@Acme.io, system: [SYSTEM_VIEWER, USER], workspaces: { ckws1: WORKSPACE_EDITOR },
        deployments: { ckdep1: DEPLOYMENT_ADMIN } }
    - { id: cku003, email: bob@acme.io, status: pending, workspaces: { ckws2: WORKSPACE_VIEWER } }
  invites:
    - { email: carol@acme.io, role: SYSTEM_EDITOR }
    - { email: carol@acme.io, role: WORKSPACE_ADMIN, workspace: ckws1 }
)";

// The documented requests (houston.md), as a client sends them.
inline constexpr const char* kUsers =
    "query Users($cursor: Uuid, $take: Int) { users(cursor: $cursor, take: $take) {\n"
    "  id username fullName status emails { address primary }\n"
    "  roleBindings { role workspace { id } deployment { id } } } }";

using testing::Reply;

class Sim : public testing::SimConnection {
 public:
  explicit Sim(const std::string& seed = kSeed) : SimConnection(seed) {}

  Reply Post(const std::string& path, const std::string& body, const httplib::Headers& headers) {
    auto res = client().Post(path, headers, body, "application/json");
    REQUIRE(res);
    json parsed = json::parse(res->body, nullptr, false);
    return {res->status, parsed};
  }
  Reply Graphql(const std::string& query, const json& variables = json::object(),
                const httplib::Headers& headers = {{"Authorization", "sim-houston-key"}}) {
    return Post("/houston/v1", json{{"query", query}, {"variables", variables}}.dump(), headers);
  }
  json Control(const std::string& action, const json& body, int expect = 200) {
    Reply r = Post("/_sim/houston/" + action, body.dump(), {});
    CHECK(r.status == expect);
    return r.body;
  }
  json State() { return Get("/_sim/state")["houston"]; }
  json Counters() { return Get("/_sim/counters")["houston"]; }
  // The dumped user with `email`, or null.
  json User(const std::string& email) {
    const json state = State();
    for (const json& u : state["users"]) {
      if (u["email"] == email) return u;
    }
    return nullptr;
  }

 private:
  json Get(const std::string& path) {
    auto res = client().Get(path);
    REQUIRE(res);
    return json::parse(res->body);
  }
};

// The first error's extensions.code, or "".
inline std::string Code(const Reply& r) {
  if (!r.body.contains("errors") || r.body["errors"].empty()) return "";
  return r.body["errors"][0]["extensions"].value("code", "");
}

}  // namespace idsync::sim::houston_test
