// The houston platform over real HTTP: auth, error shapes, listing and paging.
#include <fstream>
#include <sstream>

#include "sim/houston/houston_schema.h"
#include "tests/sim/houston/houston_sim_client.h"

namespace idsync::sim::houston_test {
namespace {

TEST_CASE("the embedded schema is houston.graphql, character for character") {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/houston.graphql");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  CHECK(std::string(houston::kSchema) == text.str());
}

TEST_CASE("the raw key and Bearer key are accepted; anything else is UNAUTHENTICATED with HTTP 200") {
  Sim sim;
  CHECK(sim.Graphql("{ workspaces { id } }").status == 200);
  Reply bearer = sim.Graphql("{ workspaces { id } }", json::object(), {{"Authorization", "Bearer sim-houston-key"}});
  CHECK(bearer.body["data"]["workspaces"].size() == 2);
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "wrong"}}, httplib::Headers{{"Authorization", "Bearer wrong"}}}) {
    Reply r = sim.Graphql(kUsers, json::object(), headers);
    CHECK(r.status == 200);
    CHECK(Code(r) == "UNAUTHENTICATED");
    CHECK(r.body["data"].is_null());  // users is non-null: data itself is null
    CHECK(r.body.dump().find("wrong") == std::string::npos);
  }
  Reply mutation = sim.Graphql("mutation { inviteUser(email: \"x@acme.io\") { id } }", json::object(), {});
  CHECK(mutation.body["data"] == json{{"inviteUser", nullptr}});
  CHECK(mutation.body["errors"][0]["path"] == json{"inviteUser"});
  json counters = sim.Counters();
  CHECK(counters["unauthorized"] == 4);
  CHECK(counters["requests"] == 6);
  CHECK(counters["mutations"] == 0);
  CHECK(counters["inviteUser"] == 0);
  CHECK(sim.State()["invites"].size() == 2);
}

TEST_CASE("documents that do not parse or validate get HTTP 400 and no data") {
  Sim sim;
  struct Case {
    const char* query;
    json variables;
    const char* code;
  };
  const Case cases[] = {
      {"{ users { id ", json::object(), "GRAPHQL_PARSE_FAILED"},
      {"{ users { id nickname } }", json::object(), "GRAPHQL_VALIDATION_FAILED"},
      {"{ users(page: 2) { id } }", json::object(), "GRAPHQL_VALIDATION_FAILED"},
      {"mutation { removeUser { id } }", json::object(), "GRAPHQL_VALIDATION_FAILED"},
      {"mutation M($r: String!) { inviteUser(email: \"a@b.c\", role: $r) { id } }", json{{"r", "SYSTEM_VIEWER"}},
       "GRAPHQL_VALIDATION_FAILED"},
      {"mutation M($r: Role) { inviteUser(email: \"a@b.c\", role: $r) { id } }", json{{"r", "BOSS"}}, "BAD_USER_INPUT"},
      {"query Q($t: Int) { users(take: $t) { id } }", json{{"t", "ten"}}, "BAD_USER_INPUT"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.query);
    Reply r = sim.Graphql(c.query, c.variables);
    CHECK(r.status == 400);
    CHECK(Code(r) == c.code);
    CHECK_FALSE(r.body.contains("data"));
  }
  CHECK(sim.Counters()["rejected"] == 7);
}

TEST_CASE("users come in id order with the documented fields; bindings as Houston shows them") {
  Sim sim;
  Reply r = sim.Graphql(kUsers, json{{"take", 1000}});
  REQUIRE(r.status == 200);
  const json& users = r.body["data"]["users"];
  REQUIRE(users.size() == 3);
  CHECK(users[0]["id"] == "cku001");
  CHECK(users[1]["id"] == "cku002");
  CHECK(users[1]["username"] == "Alice@Acme.io");
  CHECK(users[1]["emails"] == json::array({{{"address", "Alice@Acme.io"}, {"primary", true}}}));
  CHECK(users[1]["roleBindings"] ==
        json::array({{{"role", "SYSTEM_VIEWER"}, {"workspace", nullptr}, {"deployment", nullptr}},
                     {{"role", "USER"}, {"workspace", nullptr}, {"deployment", nullptr}},
                     {{"role", "WORKSPACE_EDITOR"}, {"workspace", {{"id", "ckws1"}}}, {"deployment", nullptr}},
                     {{"role", "DEPLOYMENT_ADMIN"}, {"workspace", nullptr}, {"deployment", {{"id", "ckdep1"}}}}}));
  CHECK(users[2]["status"] == "pending");
  CHECK(sim.Counters()["users"] == 1);
}

TEST_CASE("take pages after the cursor; out of range is BAD_USER_INPUT; the default is 100") {
  std::string seed = "houston:\n  credentials: { api_key: k }\n  users:\n";
  for (int i = 0; i < 250; ++i) seed += "    - { email: u" + std::to_string(i) + "@acme.io, system: SYSTEM_VIEWER }\n";
  Sim sim(seed);
  const httplib::Headers auth = {{"Authorization", "k"}};
  Reply first = sim.Graphql(kUsers, json::object(), auth);
  REQUIRE(first.body["data"]["users"].size() == 100);
  Reply rest = sim.Graphql(kUsers, json{{"take", 1000}, {"cursor", first.body["data"]["users"][99]["id"]}}, auth);
  REQUIRE(rest.body["data"]["users"].size() == 150);
  CHECK(rest.body["data"]["users"][0]["id"].get<std::string>() > first.body["data"]["users"][99]["id"].get<std::string>());
  Reply gone_cursor = sim.Graphql(kUsers, json{{"take", 5}, {"cursor", "ck0"}}, auth);  // need not exist
  CHECK(gone_cursor.body["data"]["users"][0] == first.body["data"]["users"][0]);
  for (int take : {0, 1001, -1}) {
    Reply bad = sim.Graphql(kUsers, json{{"take", take}}, auth);
    CHECK(bad.status == 200);
    CHECK(Code(bad) == "BAD_USER_INPUT");
    CHECK(bad.body["data"].is_null());
  }
}

TEST_CASE("UserSearch fields are ANDed and emails match case-insensitively") {
  Sim sim;
  auto search = [&](const json& user) {
    return sim.Graphql("query S($u: UserSearch) { users(user: $u) { id } }", json{{"u", user}}).body["data"]["users"];
  };
  CHECK(search({{"email", "ALICE@acme.io"}}) == json::array({{{"id", "cku002"}}}));
  CHECK(search({{"email", "alice@acme.io"}, {"userId", "cku001"}}).empty());
  CHECK(search({{"userUuid", "cku003"}}) == json::array({{{"id", "cku003"}}}));
  CHECK(search({{"fullName", "Root"}}) == json::array({{{"id", "cku001"}}}));
}

TEST_CASE("invites and workspaces list everything; InviteSearch filters") {
  Sim sim;
  Reply invites = sim.Graphql("query Invites { invites { id email role workspace { id } } }");
  REQUIRE(invites.body["data"]["invites"].size() == 2);
  CHECK(invites.body["data"]["invites"][0]["workspace"].is_null());
  CHECK(invites.body["data"]["invites"][1]["workspace"] == json{{"id", "ckws1"}});
  Reply filtered = sim.Graphql("{ invites(invite: {workspaceUuid: \"ckws1\"}) { role } }");
  CHECK(filtered.body["data"]["invites"] == json::array({{{"role", "WORKSPACE_ADMIN"}}}));
  Reply workspaces = sim.Graphql("query Workspaces { workspaces { id label } }");
  CHECK(workspaces.body["data"]["workspaces"] ==
        json::array({{{"id", "ckws1"}, {"label", "Data"}}, {{"id", "ckws2"}, {"label", "ML"}}}));
}

TEST_CASE("the documented seed example loads and serves its users") {
  std::ifstream in(std::string(IDSYNC_SOURCE_DIR) + "/examples/sim-seed.houston.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  Sim sim(text.str());
  Reply r = sim.Graphql(kUsers, json{{"take", 1000}});
  CHECK(r.body["data"]["users"].size() == 3);
  CHECK(sim.State()["invites"].size() == 2);
}

TEST_CASE("a bad seed is refused with the line") {
  auto created = SimServer::Create("houston:\n  credentials: { api_key: k }\n  users:\n    - { email: a@b.c, system: BOSS }\n",
                                   ServerOptions{});
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created).find("line 4") != std::string::npos);
  created = SimServer::Create("houston:\n  credentials: { api_key: k }\n  users:\n    - { email: a@b.c, workspaces: { nope: WORKSPACE_VIEWER } }\n",
                              ServerOptions{});
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created).find("no workspace nope") != std::string::npos);
}

}  // namespace
}  // namespace idsync::sim::houston_test
