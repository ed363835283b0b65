// The scim platform over real HTTP: a SimServer on 127.0.0.1 port 0 in this process,
// spoken to with httplib::Client as a SCIM client would.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/server.h"
#include "tests/sim/sim_client.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kSeed = R"(
scim:
  credentials: { token: sim-token }
  config: { maxResults: 2 }
  groups:
    - { displayName: Engineering, id: g-eng }
    - { displayName: Ops }
  users:
    - { userName: bob@acme.io, givenName: Bob, familyName: Builder, displayName: Bob Builder, groups: [Engineering] }
    - { userName: carl@acme.io, active: false, id: u-carl }
    - { userName: dora@acme.io }
    - { userName: hidden@acme.io, hidden: true, id: u-hidden }
)";

constexpr const char* kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

struct Reply {
  int status = 0;
  std::string content_type;
  json body;
};

class Sim : public testing::SimConnection {
 public:
  Sim() : SimConnection(kSeed) {}

  Reply Call(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& token = "sim-token") {
    httplib::Headers headers = {{"Accept", "application/scim+json, application/json"}};
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    const std::string full = "/scim/v2" + path;
    const std::string text = body.is_null() ? "" : body.dump();
    httplib::Result res = method == "GET"      ? client().Get(full.c_str(), headers)
                          : method == "POST"   ? client().Post(full.c_str(), headers, text, "application/scim+json")
                          : method == "PATCH"  ? client().Patch(full.c_str(), headers, text, "application/scim+json")
                                               : client().Delete(full.c_str(), headers);
    REQUIRE(res);
    Reply r{res->status, res->get_header_value("Content-Type"), nullptr};
    if (!res->body.empty()) r.body = json::parse(res->body);
    return r;
  }

  json Counters() { return json::parse(client().Get("/_sim/counters")->body)["scim"]; }
  json State() { return json::parse(client().Get("/_sim/state")->body)["scim"]; }
  json Control(const std::string& action, const json& body) {
    auto res = client().Post(("/_sim/scim/" + action).c_str(), body.dump(), "application/json");
    REQUIRE(res);
    return {{"status", res->status}, {"body", json::parse(res->body)}};
  }
};

json User(const std::string& user_name) {
  return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}}, {"userName", user_name}, {"active", true}};
}

TEST_CASE("the service provider config says what the seed configured") {
  Sim sim;
  Reply r = sim.Call("GET", "/ServiceProviderConfig");
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/scim+json");
  CHECK(r.body["patch"]["supported"] == true);
  CHECK(r.body["filter"] == json{{"supported", true}, {"maxResults", 2}});
}

TEST_CASE("users are listed in pages capped at maxResults, hidden users left out") {
  Sim sim;
  Reply first = sim.Call("GET", "/Users?startIndex=1&count=100");
  CHECK(first.body["totalResults"] == 3);
  REQUIRE(first.body["Resources"].size() == 2);
  CHECK(first.body["Resources"][0]["userName"] == "bob@acme.io");
  CHECK(first.body["Resources"][0]["name"] == json{{"givenName", "Bob"}, {"familyName", "Builder"}});
  CHECK(first.body["Resources"][1]["active"] == false);
  Reply second = sim.Call("GET", "/Users?startIndex=3&count=2");
  REQUIRE(second.body["Resources"].size() == 1);
  CHECK(second.body["Resources"][0]["userName"] == "dora@acme.io");
  CHECK(sim.Call("GET", "/Users?startIndex=4&count=2").body["Resources"].empty());
  Reply groups = sim.Call("GET", "/Groups?startIndex=1&count=2");
  CHECK(groups.body["Resources"][0]["members"][0]["display"] == "bob@acme.io");
}

TEST_CASE("a userName filter finds one user in any case, hidden ones too; other filters are refused") {
  Sim sim;
  Reply found = sim.Call("GET", "/Users?filter=userName%20eq%20%22HIDDEN%40acme.io%22");
  CHECK(found.body["totalResults"] == 1);
  CHECK(found.body["Resources"][0]["id"] == "u-hidden");
  CHECK(sim.Call("GET", "/Users?filter=userName%20eq%20%22nobody%40acme.io%22").body["totalResults"] == 0);
  Reply bad = sim.Call("GET", "/Users?filter=displayName%20eq%20%22x%22");
  CHECK(bad.status == 400);
  CHECK(bad.body == json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}}, {"status", "400"},
                         {"scimType", "invalidFilter"}, {"detail", "only the filter userName eq \"...\" is supported"}});
}

TEST_CASE("create answers 201, and a taken userName 409 uniqueness") {
  Sim sim;
  Reply created = sim.Call("POST", "/Users", User("new@acme.io"));
  CHECK(created.status == 201);
  CHECK(created.body["userName"] == "new@acme.io");
  CHECK_FALSE(created.body["id"].get<std::string>().empty());
  Reply taken = sim.Call("POST", "/Users", User("Bob@Acme.io"));
  CHECK(taken.status == 409);
  CHECK(taken.body["status"] == "409");
  CHECK(taken.body["scimType"] == "uniqueness");
  CHECK(sim.Counters()["createUser"] == 2);
  CHECK(sim.Counters()["mutations"] == 2);
  CHECK(sim.Counters()["effects"]["createUser"] == 1);  // the 409 changed nothing
}

TEST_CASE("effects count the mutations answered 2xx; refused and unauthorized ones are not effects") {
  Sim sim;
  CHECK(sim.Call("POST", "/Users", User("new@acme.io")).status == 201);
  CHECK(sim.Call("POST", "/Users", User("NEW@acme.io")).status == 409);
  CHECK(sim.Call("POST", "/Users", User("other@acme.io"), "wrong").status == 401);
  CHECK(sim.Call("DELETE", "/Users/u-carl").status == 204);
  CHECK(sim.Call("DELETE", "/Users/u-carl").status == 404);
  CHECK(sim.Counters()["effects"] ==
        json{{"createUser", 1}, {"patchUser", 0}, {"deleteUser", 1}, {"patchGroup", 0}});
  sim.Control("config", {{"patch", false}});
  json ops = {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", false}}}}};
  CHECK(sim.Call("PATCH", "/Users/u-hidden", ops).status == 501);
  CHECK(sim.Counters()["effects"]["patchUser"] == 0);
}

TEST_CASE("PATCH changes active and profile fields; DELETE removes; unknown ids are 404") {
  Sim sim;
  json ops = {{"schemas", {kPatchOp}},
              {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", true}},
                              {{"op", "replace"}, {"path", "name.givenName"}, {"value", "Carl"}},
                              {{"op", "replace"}, {"path", "externalId"}, {"value", "E1"}}}}};
  Reply patched = sim.Call("PATCH", "/Users/u-carl", ops);
  CHECK(patched.status == 200);
  CHECK(patched.body["active"] == true);
  CHECK(patched.body["name"]["givenName"] == "Carl");
  CHECK(patched.body["externalId"] == "E1");
  json bad_path = {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "replace"}, {"path", "nickName"}, {"value", "x"}}}}};
  CHECK(sim.Call("PATCH", "/Users/u-carl", bad_path).body["scimType"] == "invalidPath");
  CHECK(sim.Call("DELETE", "/Users/u-carl").status == 204);
  CHECK(sim.Call("DELETE", "/Users/u-carl").status == 404);
  CHECK(sim.Call("PATCH", "/Users/u-carl", ops).status == 404);
}

TEST_CASE("group members are added once and removed by a value filter") {
  Sim sim;
  json add = {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", "u-carl"}}}}}}}};
  CHECK(sim.Call("PATCH", "/Groups/g-eng", add).status == 200);
  CHECK(sim.Call("PATCH", "/Groups/g-eng", add).status == 200);
  CHECK(sim.State()["groups"][0]["members"] == json{"bob@acme.io", "carl@acme.io"});
  json remove = {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "remove"}, {"path", "members[value eq \"u-carl\"]"}}}}};
  CHECK(sim.Call("PATCH", "/Groups/g-eng", remove).status == 200);
  CHECK(sim.Call("PATCH", "/Groups/g-eng", remove).status == 200);  // absent: still fine
  CHECK(sim.State()["groups"][0]["members"] == json{"bob@acme.io"});
  CHECK(sim.Counters()["patchGroup"] == 4);
}

TEST_CASE("a missing or wrong bearer token is a 401 SCIM error and is counted") {
  Sim sim;
  for (const std::string token : {"", "wrong"}) {
    Reply r = sim.Call("GET", "/Users", nullptr, token);
    CHECK(r.status == 401);
    CHECK(r.body["status"] == "401");
  }
  CHECK(sim.Counters()["unauthorized"] == 2);
  CHECK(sim.Counters()["listUsers"] == 0);
}

TEST_CASE("controls drift a user, add one and change the config") {
  Sim sim;
  CHECK(sim.Control("drift", {{"userName", "bob@acme.io"}, {"active", false}, {"groups", {"Ops"}}})["status"] == 200);
  json bob = sim.State()["users"][0];
  CHECK(bob["active"] == false);
  CHECK(bob["groups"] == json{"Ops"});
  CHECK(sim.Control("users", {{"userName", "eve@acme.io"}, {"groups", {"Engineering"}}})["status"] == 200);
  CHECK(sim.Control("users", {{"userName", "EVE@acme.io"}})["status"] == 400);
  CHECK(sim.Control("config", {{"filter", false}})["body"]["filter"] == false);
  CHECK(sim.Call("GET", "/Users?filter=userName%20eq%20%22eve%40acme.io%22").status == 400);
  CHECK(sim.Control("drift", {{"userName", "nobody@acme.io"}})["status"] == 404);
  CHECK(sim.Control("fly", json::object())["status"] == 404);
}

}  // namespace
}  // namespace idsync::sim
