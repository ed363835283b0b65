// The astra platform over real HTTP: a SimServer on 127.0.0.1 port 0 in this process,
// spoken to with httplib::Client as the contract (astra.md) describes.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/server.h"
#include "tests/sim/sim_client.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kOrg = "dacb3c32-cc2a-4bea-bd95-47ab8eb20410";
constexpr const char* kSeed = R"(
astra:
  credentials: { token: AstraCS:sim }
  org: { id: dacb3c32-cc2a-4bea-bd95-47ab8eb20410, name: Acme }
  users:
    - { email: John.Smith@acme.io, status: active, roles: [Organization Administrator] }
    - { email: jane.doe@acme.io, status: invited, roles: [Database Administrator, UI View Only] }
)";

using testing::Reply;

class Sim : public testing::SimConnection {
 public:
  explicit Sim(const std::string& seed = kSeed, std::string token = "AstraCS:sim")
      : SimConnection(seed), token_(std::move(token)) {}

  httplib::Headers Auth(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  }
  httplib::Headers Auth() const { return Auth(token_); }
  Reply Get(const std::string& path) { return Wrap(client().Get(path, Auth())); }
  Reply Put(const std::string& path, const std::string& body, const std::string& type = "application/json") {
    return Wrap(client().Put(path, Auth(), body, type.c_str()));
  }
  Reply Delete(const std::string& path) { return Wrap(client().Delete(path, Auth())); }
  Reply Control(const std::string& action, const json& body) {
    return Wrap(client().Post("/_sim/astra/" + action, body.dump(), "application/json"));
  }
  json Counters() { return Wrap(client().Get("/_sim/counters")).body["astra"]; }

  json Users() {
    Reply reply = Get("/astra/v2/organizations/users");
    REQUIRE(reply.status == 200);
    return reply.body;
  }
  json User(const std::string& email) {
    const json users = Users();
    for (const json& u : users["Users"])
      if (u["Email"] == email) return u;
    return nullptr;
  }
  // Role Name -> ID from the roles listing.
  std::map<std::string, std::string> Roles() {
    std::map<std::string, std::string> out;
    Reply reply = Get("/astra/v2/organizations/roles");
    REQUIRE(reply.status == 200);
    for (const json& r : reply.body) out[r["Name"]] = r["ID"];
    return out;
  }
  std::set<std::string> RoleNames(const json& user) {
    std::set<std::string> names;
    for (const json& r : user["Roles"]) names.insert(r["Name"].get<std::string>());
    return names;
  }

 private:
  static Reply Wrap(const httplib::Result& result) {
    REQUIRE(result);
    Reply reply{result->status, nullptr};
    if (!result->body.empty()) reply.body = json::parse(result->body, nullptr, false);
    return reply;
  }

  std::string token_;
};

void CheckErrorBody(const Reply& reply, int status) {
  CAPTURE(reply.body.dump());
  CHECK(reply.status == status);
  REQUIRE(reply.body.is_object());
  REQUIRE(reply.body["errors"].is_array());
  REQUIRE(reply.body["errors"].size() == 1);
  CHECK(reply.body["errors"][0]["ID"] == status);
  CHECK(reply.body["errors"][0]["message"].is_string());
}

std::string InviteBody(const std::string& email, const std::string& org, const json& roles) {
  return json{{"email", email}, {"orgID", org}, {"roles", roles}}.dump();
}

TEST_CASE("the users listing has the documented PascalCase shape") {
  Sim sim;
  Reply reply = sim.Get("/astra/v2/organizations/users");
  REQUIRE(reply.status == 200);
  CHECK(reply.body["OrgID"] == kOrg);
  CHECK(reply.body["OrgName"] == "Acme");
  REQUIRE(reply.body["Users"].size() == 2);
  const json& john = reply.body["Users"][0];
  CHECK(john["Email"] == "John.Smith@acme.io");
  CHECK(john["Status"] == "active");
  CHECK(john["UserID"].get<std::string>().size() == 36);
  CHECK(sim.RoleNames(john) == std::set<std::string>{"Organization Administrator"});
  const json& jane = reply.body["Users"][1];
  CHECK(jane["Status"] == "invited");
  CHECK(sim.RoleNames(jane) == std::set<std::string>{"Database Administrator", "UI View Only"});
  std::set<std::string> keys;
  for (const auto& [key, value] : jane.items()) keys.insert(key);
  CHECK(keys == std::set<std::string>{"UserID", "Email", "Status", "Roles"});
}

TEST_CASE("the roles listing has the ten default roles with UUIDs and Policy objects") {
  Sim sim;
  Reply reply = sim.Get("/astra/v2/organizations/roles");
  REQUIRE(reply.status == 200);
  REQUIRE(reply.body.size() == 10);
  std::set<std::string> ids;
  for (const json& role : reply.body) {
    ids.insert(role["ID"].get<std::string>());
    CHECK(role["ID"].get<std::string>().size() == 36);
    CHECK(role["Policy"].is_object());
    CHECK(role["Policy"]["resources"][0] == std::string("drn:astra:org:") + kOrg);
  }
  CHECK(ids.size() == 10);
  CHECK(reply.body[0]["Name"] == "Organization Administrator");
  CHECK(reply.body[9]["Name"] == "User Admin API");
  CHECK(sim.Get("/astra/v2/currentOrg").body == json{{"id", kOrg}, {"name", "Acme"}});
}

TEST_CASE("a missing or wrong token is 401 with the errors body, and counted") {
  Sim sim;
  auto wrong = sim.client().Get("/astra/v2/organizations/users", sim.Auth("AstraCS:nope"));
  REQUIRE(wrong);
  CheckErrorBody({wrong->status, json::parse(wrong->body)}, 401);
  CHECK(wrong->body.find("nope") == std::string::npos);
  auto none = sim.client().Get("/astra/v2/organizations/roles");
  REQUIRE(none);
  CHECK(none->status == 401);
  json counters = sim.Counters();
  CHECK(counters["unauthorized"] == 2);
  CHECK(counters["requests"] == 2);
  CHECK(counters["listUsers"] == 0);
}

TEST_CASE("an invite creates an invited user, and inviting it again keeps its UserID") {
  Sim sim;
  auto roles = sim.Roles();
  Reply first = sim.Put("/astra/v2/organizations/users",
                        InviteBody("Alice@Acme.io", kOrg, {roles["UI View Only"], roles["RO User"]}));
  REQUIRE(first.status == 200);
  CHECK(first.body["Status"] == "invited");
  CHECK(first.body["Email"] == "Alice@Acme.io");
  CHECK(sim.RoleNames(first.body) == std::set<std::string>{"UI View Only", "RO User"});

  Reply again = sim.Put("/astra/v2/organizations/users", InviteBody("alice@acme.io", kOrg, {roles["Billing Admin"]}));
  REQUIRE(again.status == 200);
  CHECK(again.body["UserID"] == first.body["UserID"]);
  CHECK(sim.RoleNames(again.body) == std::set<std::string>{"Billing Admin"});
  CHECK(sim.Users()["Users"].size() == 3);
  CHECK(sim.Counters()["inviteUser"] == 2);
  CHECK(sim.Counters()["mutations"] == 2);
}

TEST_CASE("invite refusals: active member, bad roles, other org, strict bodies") {
  Sim sim;
  auto roles = sim.Roles();
  const std::string dba = roles["Database Administrator"];
  struct Case {
    const char* name;
    std::string body;
    int status;
    std::string type = "application/json";
  };
  const Case cases[] = {
      {"an active member", InviteBody("john.smith@ACME.io", kOrg, {dba}), 409},
      {"empty roles", InviteBody("new@acme.io", kOrg, json::array()), 422},
      {"an unknown role id", InviteBody("new@acme.io", kOrg, {"not-a-role"}), 422},
      {"a role name instead of an id", InviteBody("new@acme.io", kOrg, {"Database Administrator"}), 422},
      {"another organization", InviteBody("new@acme.io", "0000aaaa-0000-4000-8000-000000000000", {dba}), 403},
      {"not JSON", "{email: x}", 400},
      {"not an object", "[]", 400},
      {"an unknown key", json{{"email", "new@acme.io"}, {"orgID", kOrg}, {"roles", {dba}}, {"name", "N"}}.dump(), 400},
      {"a missing key", json{{"email", "new@acme.io"}, {"roles", {dba}}}.dump(), 422},
      {"roles not a list", json{{"email", "new@acme.io"}, {"orgID", kOrg}, {"roles", dba}}.dump(), 400},
      {"camelCase keys are not the documented ones", json{{"email", "new@acme.io"}, {"orgId", kOrg}, {"roles", {dba}}}.dump(), 400},
      {"no JSON content type", InviteBody("new@acme.io", kOrg, {dba}), 400, "text/plain"},
      {"not an email", InviteBody("nobody", kOrg, {dba}), 422},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CheckErrorBody(sim.Put("/astra/v2/organizations/users", c.body, c.type), c.status);
  }
  Reply member = sim.Put("/astra/v2/organizations/users", InviteBody("john.smith@acme.io", kOrg, {dba}));
  CHECK(member.body["errors"][0]["message"] == "user is already a member of the organization");
  CHECK(sim.Users()["Users"].size() == 2);
}

TEST_CASE("roles are replaced on active and invited users; refusals have the errors body") {
  Sim sim;
  auto roles = sim.Roles();
  const std::string jane = sim.User("jane.doe@acme.io")["UserID"];
  Reply set = sim.Put("/astra/v2/organizations/users/" + jane + "/roles",
                      json{{"roles", {roles["RO User"]}}}.dump());
  CHECK(set.status == 204);
  CHECK(sim.RoleNames(sim.User("jane.doe@acme.io")) == std::set<std::string>{"RO User"});

  CheckErrorBody(sim.Put("/astra/v2/organizations/users/nobody/roles", json{{"roles", {roles["RO User"]}}}.dump()), 404);
  CheckErrorBody(sim.Put("/astra/v2/organizations/users/" + jane + "/roles", json{{"roles", json::array()}}.dump()), 422);
  CheckErrorBody(sim.Put("/astra/v2/organizations/users/" + jane + "/roles", json{{"roles", {"x"}}}.dump()), 422);
  CheckErrorBody(sim.Put("/astra/v2/organizations/users/" + jane + "/roles", json::object().dump()), 422);
  CheckErrorBody(sim.Put("/astra/v2/organizations/users/" + jane + "/roles",
                         json{{"roles", {roles["RO User"]}}, {"extra", 1}}.dump()),
                 400);
  CHECK(sim.Counters()["setRoles"] == 6);
}

TEST_CASE("one user is read by id, and deleting removes a member or cancels an invitation") {
  Sim sim;
  const std::string john = sim.User("John.Smith@acme.io")["UserID"];
  const std::string jane = sim.User("jane.doe@acme.io")["UserID"];
  Reply one = sim.Get("/astra/v2/organizations/users/" + john);
  CHECK(one.status == 200);
  CHECK(one.body["Email"] == "John.Smith@acme.io");
  CheckErrorBody(sim.Get("/astra/v2/organizations/users/nobody"), 404);

  CHECK(sim.Delete("/astra/v2/organizations/users/" + john).status == 204);
  CHECK(sim.Delete("/astra/v2/organizations/users/" + jane).status == 204);
  CheckErrorBody(sim.Delete("/astra/v2/organizations/users/" + jane), 404);
  CHECK(sim.Users()["Users"].empty());
  json counters = sim.Counters();
  CHECK(counters["deleteUser"] == 3);
  CHECK(counters["getUser"] == 2);
}

TEST_CASE("unknown paths under /astra answer 404 with the errors body") {
  Sim sim;
  CheckErrorBody(sim.Get("/astra/v2/organizations/nothing"), 404);
  CheckErrorBody(sim.Put("/astra/v2/users", "{}"), 404);
}

TEST_CASE("controls accept an invitation, drift roles and add users") {
  Sim sim;
  const std::string jane = sim.User("jane.doe@acme.io")["UserID"];
  Reply accepted = sim.Control("accept", {{"email", "JANE.doe@acme.io"}});
  REQUIRE(accepted.status == 200);
  CHECK(accepted.body["status"] == "active");
  CHECK(sim.User("jane.doe@acme.io")["UserID"] == jane);
  CHECK(sim.User("jane.doe@acme.io")["Status"] == "active");
  CHECK(sim.Control("accept", {{"email", "jane.doe@acme.io"}}).status == 404);

  Reply drift = sim.Control("drift", {{"email", "jane.doe@acme.io"}, {"roles", {"Billing Admin"}}});
  REQUIRE(drift.status == 200);
  CHECK(sim.RoleNames(sim.User("jane.doe@acme.io")) == std::set<std::string>{"Billing Admin"});
  CHECK(sim.Control("drift", {{"email", "jane.doe@acme.io"}, {"roles", {"Nope"}}}).status == 400);
  CHECK(sim.Control("drift", {{"email", "ghost@acme.io"}, {"roles", {"RO User"}}}).status == 404);

  Reply added = sim.Control("users", {{"email", "eve@acme.io"}, {"roles", {"RO User"}}, {"status", "invited"}});
  REQUIRE(added.status == 200);
  CHECK(sim.User("eve@acme.io")["Status"] == "invited");
  CHECK(sim.Control("users", {{"email", "EVE@acme.io"}, {"roles", {"RO User"}}}).status == 409);
  CHECK(sim.Control("users", {{"email", "x@acme.io"}, {"roles", {"RO User"}}, {"status", 3}}).status == 400);
  CHECK(sim.Control("frobnicate", {{"email", "x@acme.io"}}).status == 404);
  CHECK(sim.Counters()["mutations"] == 0);  // controls are not API requests
}

TEST_CASE("custom roles replace the defaults and seed errors name the line") {
  Sim sim(R"(
astra:
  credentials: { token: AstraCS:sim }
  roles:
    - Database Administrator
    - { name: Data Wizard, id: 11111111-2222-4333-8444-555555555555 }
  users:
    - { email: w@acme.io, roles: [Data Wizard] }
)");
  auto roles = sim.Roles();
  CHECK(roles.size() == 2);
  CHECK(roles["Data Wizard"] == "11111111-2222-4333-8444-555555555555");
  CHECK(sim.User("w@acme.io")["Status"] == "active");

  struct Case {
    const char* name;
    const char* seed;
    const char* error;
  };
  const Case cases[] = {
      {"no credentials", "astra:\n  users: []\n", "astra.credentials"},
      {"an unknown key", "astra:\n  credentials: { token: t }\n  colour: red\n", "unknown key \"colour\""},
      {"an unknown role", "astra:\n  credentials: { token: t }\n  users:\n    - { email: a@b.c, roles: [Nope] }\n",
       "no role named \"Nope\""},
      {"a bad status", "astra:\n  credentials: { token: t }\n  users:\n    - { email: a@b.c, status: gone }\n",
       "status must be active or invited"},
      {"a duplicate email", "astra:\n  credentials: { token: t }\n  users:\n    - { email: a@b.c }\n    - { email: A@b.c }\n",
       "already a member"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto created = SimServer::Create(c.seed, ServerOptions{});
    REQUIRE(std::holds_alternative<std::string>(created));
    CHECK(std::get<std::string>(created).find(c.error) != std::string::npos);
    CHECK(std::get<std::string>(created).find("(line ") != std::string::npos);
  }
}

TEST_CASE("reset returns to the seed and zeroes the counters") {
  Sim sim;
  auto roles = sim.Roles();
  REQUIRE(sim.Put("/astra/v2/organizations/users", InviteBody("n@acme.io", kOrg, {roles["RO User"]})).status == 200);
  auto reset = sim.client().Post("/_sim/reset", "", "application/json");
  REQUIRE(reset);
  CHECK(sim.Users()["Users"].size() == 2);
  CHECK(sim.Roles() == roles);
  CHECK(sim.Counters()["inviteUser"] == 0);
}

TEST_CASE("the documented seed example loads and holds what it says") {
  std::ifstream in(std::string(IDSYNC_SOURCE_DIR) + "/examples/sim-seed.astra.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  Sim sim(text.str(), "AstraCS:sim-token");
  auto roles = sim.Roles();
  CHECK(roles.size() == 11);
  CHECK(roles["Data Engineer"] == "3f1c2b4a-6d5e-4f70-8a9b-0c1d2e3f4a5b");
  CHECK(sim.User("jane.doe@acme.io")["Status"] == "invited");
  CHECK(sim.Users()["Users"].size() == 4);
}

}  // namespace
}  // namespace idsync::sim
