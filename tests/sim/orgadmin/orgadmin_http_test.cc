// The orgadmin platform over real HTTP: a SimServer on 127.0.0.1 port 0 in this process,
// spoken to with httplib::Client, requests written from orgadmin.md (not from the
// connector).
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/orgadmin/orgadmin_schema.h"
#include "sim/server.h"
#include "tests/sim/sim_client.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kOrg = "7d0c7a52-1111-4a57-9a0e-000000000001";
constexpr const char* kEng = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11";
constexpr const char* kOps = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b22";
constexpr const char* kAlice = "aaaaaaaa-0000-4000-8000-000000000001";
constexpr const char* kBob = "bbbbbbbb-0000-4000-8000-000000000002";

constexpr const char* kSeed = R"(
orgadmin:
  credentials: { token: sim-token }
  org: { id: 7d0c7a52-1111-4a57-9a0e-000000000001, name: Fluxweave }
  groups:
    - { id: 0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11, name: Engineering }
    - { id: 0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b22, name: Ops }
  users:
    - { id: aaaaaaaa-0000-4000-8000-000000000001, email: Alice@Acme.io, first: Alice, last: Liddell }
    - { id: bbbbbbbb-0000-4000-8000-000000000002, email: bob@acme.io, first: Bob, last: Builder, name: Bobby B }
    - { email: carl@acme.io, first: Carl, last: Sagan }
  members:
    - { email: alice@acme.io, role: admin, status: active, externalId: E-1,
        groups: [0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11] }
    - { email: bob@acme.io, role: user, status: retired, groups: [0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11] }
)";

constexpr const char* kFind = "query FindUser($email: String!) { findUserBy(email: $email) { id email name } }";
constexpr const char* kGroupUsers =
    "query GroupUsers($org: Uuid!, $groupId: Uuid!) {"
    " groupUsers(org: $org, groupId: $groupId) { userId groupId status userName } }";
constexpr const char* kCreate =
    "mutation CreateUser($org: Uuid!, $email: String!, $first: String!, $last: String!, $name: String,"
    " $externalId: String) { createUser(org: $org, email: $email, first: $first, last: $last, name: $name,"
    " externalId: $externalId) { id result records error } }";
constexpr const char* kAdd =
    "mutation AddOrgMember($org: Uuid!, $userId: Uuid!, $role: String!, $externalId: String) {"
    " addOrgMember(org: $org, userId: $userId, role: $role, externalId: $externalId) { id result records error } }";
constexpr const char* kUpdate =
    "mutation UpdateMember($org: Uuid!, $userId: Uuid!, $status: String!, $role: String!) {"
    " updateMember(org: $org, userId: $userId, status: $status, role: $role) { id result records error } }";
constexpr const char* kAddGroup =
    "mutation AddGroupMembership($org: Uuid!, $userId: Uuid!, $groupId: Uuid!) {"
    " addGroupMembership(org: $org, userId: $userId, groupId: $groupId) { id result records error } }";
constexpr const char* kRemoveGroup =
    "mutation RemoveGroupMembership($org: Uuid!, $userId: Uuid!, $groupId: Uuid!) {"
    " removeGroupMembership(org: $org, userId: $userId, groupId: $groupId) { id result records error } }";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

using testing::Reply;

class Sim : public testing::SimConnection {
 public:
  explicit Sim(const std::string& seed = kSeed) : SimConnection(seed) {}

  Reply Graphql(const std::string& query, const json& variables = json::object(),
                httplib::Headers headers = {{"Authorization", "Bearer sim-token"}}) {
    json body = {{"query", query}, {"variables", variables}};
    return testing::JsonReply(client().Post("/orgadmin/graphql", headers, body.dump(), "application/json"));
  }
  Reply Control(const std::string& action, const json& body) {
    return testing::JsonReply(client().Post("/_sim/orgadmin/" + action, body.dump(), "application/json"));
  }
  json State() { return testing::JsonReply(client().Get("/_sim/state")).body["orgadmin"]; }
  json Counters() { return testing::JsonReply(client().Get("/_sim/counters")).body["orgadmin"]; }

  // The MutationResult at `field`.
  json Mutate(const char* query, const char* field, json variables) {
    variables["org"] = kOrg;
    Reply r = Graphql(query, variables);
    REQUIRE(r.status == 200);
    INFO(r.body.dump());
    REQUIRE(r.body["data"][field].is_object());
    return r.body["data"][field];
  }
  // The membership of `email` (matched case-insensitively), or null.
  json Member(std::string email) {
    const json state = State();
    for (const json& m : state["members"])
      if (Lower(m["email"]) == Lower(email)) return m;
    return nullptr;
  }
};

TEST_CASE("the embedded schema is orgadmin.graphql, byte for byte") {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/orgadmin.graphql");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == std::string(kOrgadminSchema));
}

TEST_CASE("a missing or wrong token is HTTP 401 unauthenticated and counted") {
  Sim sim;
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer nope"}},
        httplib::Headers{{"Authorization", "sim-token"}}}) {
    Reply r = sim.Graphql(kFind, {{"email", "alice@acme.io"}}, headers);
    CHECK(r.status == 401);
    CHECK(r.body == json{{"errors", {{{"message", "unauthenticated"}}}}});
  }
  CHECK(sim.Counters()["unauthorized"] == 3);
  CHECK(sim.Counters()["findUserBy"] == 0);
}

TEST_CASE("findUserBy matches an email exactly, case-insensitively, and enforces its rules") {
  Sim sim;
  Reply found = sim.Graphql(kFind, {{"email", "ALICE@acme.IO"}});
  CHECK(found.status == 200);
  CHECK(found.body == json{{"data", {{"findUserBy", {{{"id", kAlice}, {"email", "Alice@Acme.io"}, {"name", "Alice Liddell"}}}}}}});
  CHECK(sim.Graphql(kFind, {{"email", "alice@acme"}}).body["data"]["findUserBy"] == json::array());
  Reply by_name = sim.Graphql("{ findUserBy(name: \"bob\") { id name } }");
  CHECK(by_name.body["data"]["findUserBy"] == json{{{"id", kBob}, {"name", "Bobby B"}}});

  struct Row {
    const char* query;
    const char* message;
  };
  for (const Row& row : {Row{"{ findUserBy { id } }", "findUserBy needs at least one argument"},
                         Row{"{ findUserBy(name: \"bo\") { id } }", "name needs 3 characters or more"}}) {
    CAPTURE(row.query);
    Reply r = sim.Graphql(row.query);
    CHECK(r.status == 200);
    CHECK(r.body == json{{"data", nullptr},
                         {"errors", {{{"message", row.message}, {"path", {"findUserBy"}}}}}});
  }
  CHECK(sim.Counters()["findUserBy"] == 5);
}

TEST_CASE("findUserBy returns at most ten rows") {
  Sim sim;
  for (int i = 0; i < 12; ++i) {
    REQUIRE(sim.Control("users", {{"email", "many" + std::to_string(i) + "@acme.io"}, {"first", "Many"},
                                  {"last", "Person"}}).status == 200);
  }
  CHECK(sim.Graphql("{ findUserBy(name: \"many\") { id } }").body["data"]["findUserBy"].size() == 10);
}

TEST_CASE("groupUsers scoped lists a group's members with their org status") {
  Sim sim;
  Reply r = sim.Graphql(kGroupUsers, {{"org", kOrg}, {"groupId", "0B9E6F9A-3C1D-4A57-9A0E-6C2F9F1D2B11"}});
  CHECK(r.status == 200);
  CHECK(r.body["data"]["groupUsers"] ==
        json{{{"userId", kAlice}, {"groupId", kEng}, {"status", "active"}, {"userName", "Alice Liddell"}},
             {{"userId", kBob}, {"groupId", kEng}, {"status", "retired"}, {"userName", "Bobby B"}}});
  CHECK(sim.Graphql(kGroupUsers, {{"org", kOrg}, {"groupId", kOps}}).body["data"]["groupUsers"] == json::array());
}

TEST_CASE("groupUsers unscoped stops at 500 rows") {
  Sim sim;
  for (int i = 0; i < 260; ++i) {
    const std::string email = "m" + std::to_string(i) + "@acme.io";
    REQUIRE(sim.Control("users", {{"email", email}, {"first", "M"}, {"last", "N"}}).status == 200);
    REQUIRE(sim.Control("members", {{"email", email}, {"role", "user"}, {"groups", {kEng, kOps}}}).status == 200);
  }
  Reply r = sim.Graphql("query Q($org: Uuid!) { groupUsers(org: $org) { userId } }", {{"org", kOrg}});
  CHECK(r.body["data"]["groupUsers"].size() == 500);
  Reply scoped = sim.Graphql(kGroupUsers, {{"org", kOrg}, {"groupId", kEng}});
  CHECK(scoped.body["data"]["groupUsers"].size() == 262);
}

TEST_CASE("query errors have the contract's shapes") {
  Sim sim;
  struct Row {
    const char* name;
    const char* query;
    json variables;
    json expected;  // the whole body
  };
  const char* unknown_group = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b99";
  const Row rows[] = {
      {"an unknown group", kGroupUsers, {{"org", kOrg}, {"groupId", unknown_group}},
       {{"data", nullptr}, {"errors", {{{"message", "group not found"}, {"path", {"groupUsers"}}}}}}},
      {"another org", kGroupUsers, {{"org", "7d0c7a52-1111-4a57-9a0e-000000000002"}, {"groupId", kEng}},
       {{"data", nullptr}, {"errors", {{{"message", "forbidden"}, {"path", {"groupUsers"}}}}}}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    Reply r = sim.Graphql(row.query, row.variables);
    CHECK(r.status == 200);
    CHECK(r.body == row.expected);
  }

  Reply bad_uuid = sim.Graphql(kGroupUsers, {{"org", kOrg}, {"groupId", "not-a-uuid"}});
  CHECK(bad_uuid.status == 200);
  CHECK_FALSE(bad_uuid.body.contains("data"));
  REQUIRE(bad_uuid.body["errors"].size() == 1);
  CHECK(bad_uuid.body["errors"][0]["message"].get<std::string>().find("invalid Uuid") != std::string::npos);
  CHECK(bad_uuid.body["errors"][0].contains("locations"));
  CHECK_FALSE(bad_uuid.body["errors"][0].contains("extensions"));

  Reply parse = sim.Graphql("{ findUserBy(email: ");
  CHECK(parse.status == 200);
  CHECK_FALSE(parse.body.contains("data"));
  CHECK(parse.body["errors"][0].contains("locations"));

  // updateMember without role: the signature requires it (Fluxweave's own example omits it).
  Reply no_role = sim.Graphql("mutation { updateMember(org: \"" + std::string(kOrg) + "\", userId: \"" + kAlice +
                              "\", status: \"active\") { id } }");
  CHECK(no_role.status == 200);
  CHECK_FALSE(no_role.body.contains("data"));
  CHECK(sim.Counters()["updateMember"] == 0);
}

TEST_CASE("createUser makes an active user member and refuses a known email") {
  Sim sim;
  json created = sim.Mutate(kCreate, "createUser",
                            {{"email", "Dana@Acme.io"}, {"first", "Dana"}, {"last", "Scully"}, {"externalId", "E-9"}});
  CHECK(created["result"] == "created");
  CHECK(created["records"] == 1);
  CHECK(created["error"].is_null());
  json dana = sim.Member("Dana@Acme.io");
  CHECK(dana["userId"] == created["id"]);
  CHECK(dana["role"] == "user");
  CHECK(dana["status"] == "active");
  CHECK(dana["externalId"] == "E-9");
  json found = sim.Graphql(kFind, {{"email", "dana@acme.io"}}).body["data"]["findUserBy"];
  CHECK(found[0]["name"] == "Dana Scully");

  json again = sim.Mutate(kCreate, "createUser", {{"email", "carl@ACME.io"}, {"first", "C"}, {"last", "S"}});
  CHECK(again == json{{"id", nullptr}, {"result", nullptr}, {"records", 0}, {"error", "email already exists"}});
  CHECK(sim.Counters()["createUser"] == 2);
  CHECK(sim.Counters()["mutations"] == 2);
  CHECK(sim.Counters()["effects"]["createUser"] == 1);  // the refused one changed nothing
}

TEST_CASE("mutations follow orgadmin.md's error table") {
  Sim sim;
  const std::string carl = sim.Graphql(kFind, {{"email", "carl@acme.io"}}).body["data"]["findUserBy"][0]["id"];
  const char* nobody = "99999999-0000-4000-8000-000000000009";
  const char* no_group = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b99";
  struct Row {
    const char* name;
    const char* query;
    const char* field;
    json variables;
    json error;  // null: success
  };
  const Row rows[] = {
      {"add a non-member", kAdd, "addOrgMember", {{"userId", carl}, {"role", "user"}}, nullptr},
      {"add a member again", kAdd, "addOrgMember", {{"userId", carl}, {"role", "admin"}}, "already a member"},
      {"add a retired member", kAdd, "addOrgMember", {{"userId", kBob}, {"role", "user"}}, "already a member"},
      {"add an unknown user", kAdd, "addOrgMember", {{"userId", nobody}, {"role", "user"}}, "user not found"},
      {"add with a bad role", kAdd, "addOrgMember", {{"userId", kAlice}, {"role", "owner"}}, "invalid role"},
      {"alias of addOrgMember",
       "mutation($org: Uuid!, $userId: Uuid!) { addUserToOrg(org: $org, orgId: $org, userId: $userId, role: \"user\") "
       "{ id result records error } }",
       "addUserToOrg", {{"userId", kAlice}}, "already a member"},
      {"update with a bad status", kUpdate, "updateMember",
       {{"userId", kAlice}, {"status", "gone"}, {"role", "user"}}, "invalid status"},
      {"update a retired member", kUpdate, "updateMember",
       {{"userId", kBob}, {"status", "active"}, {"role", "admin"}}, nullptr},
      {"group join", kAddGroup, "addGroupMembership", {{"userId", carl}, {"groupId", kOps}}, nullptr},
      {"group join again", kAddGroup, "addGroupMembership", {{"userId", carl}, {"groupId", kOps}}, "already a member"},
      {"group join, unknown group", kAddGroup, "addGroupMembership", {{"userId", carl}, {"groupId", no_group}},
       "group not found"},
      {"group leave", kRemoveGroup, "removeGroupMembership", {{"userId", carl}, {"groupId", kOps}}, nullptr},
      {"group leave again", kRemoveGroup, "removeGroupMembership", {{"userId", carl}, {"groupId", kOps}},
       "not a member"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    json result = sim.Mutate(row.query, row.field, row.variables);
    CHECK(result["error"] == row.error);
    CHECK(result["records"] == (row.error.is_null() ? 1 : 0));
  }
  CHECK(sim.Member("bob@acme.io")["status"] == "active");
  CHECK(sim.Member("bob@acme.io")["role"] == "admin");
  CHECK(sim.Member("carl@acme.io")["groups"] == json::array());
  // Effects: the rows without an error, once each; the refused rows changed nothing.
  const json effects = sim.Counters()["effects"];
  CHECK(effects == json{{"createUser", 0}, {"addOrgMember", 1}, {"addUserToOrg", 0}, {"updateMember", 1},
                        {"addGroupMembership", 1}, {"removeGroupMembership", 1}});
}

TEST_CASE("a non-member cannot be updated or put in a group; retiring keeps groups") {
  Sim sim;
  const std::string carl = sim.Graphql(kFind, {{"email", "carl@acme.io"}}).body["data"]["findUserBy"][0]["id"];
  CHECK(sim.Mutate(kUpdate, "updateMember", {{"userId", carl}, {"status", "retired"}, {"role", "user"}})["error"] ==
        "not a member");
  CHECK(sim.Mutate(kAddGroup, "addGroupMembership", {{"userId", carl}, {"groupId", kEng}})["error"] == "not a member");
  CHECK(sim.Mutate(kUpdate, "updateMember", {{"userId", kAlice}, {"status", "retired"}, {"role", "admin"}})["result"] ==
        "updated");
  CHECK(sim.Member("alice@acme.io")["groups"] == json{kEng});
  CHECK(sim.Member("alice@acme.io")["status"] == "retired");
}

TEST_CASE("controls change memberships behind idsync's back and reject what makes no sense") {
  Sim sim;
  Reply drift = sim.Control("drift", {{"email", "alice@acme.io"}, {"status", "retired"}});
  CHECK(drift.status == 200);
  CHECK(sim.Member("alice@acme.io")["status"] == "retired");
  CHECK(sim.Member("alice@acme.io")["role"] == "admin");
  CHECK(sim.Control("drift", {{"email", "carl@acme.io"}, {"role", "admin"}}).status == 409);
  CHECK(sim.Control("drift", {{"email", "alice@acme.io"}, {"role", "owner"}}).status == 409);
  CHECK(sim.Control("members", {{"email", "nobody@acme.io"}, {"role", "user"}}).status == 409);
  CHECK(sim.Control("members", {{"email", "carl@acme.io"}, {"role", "user"}, {"groups", {kOps}}}).status == 200);
  CHECK(sim.Member("carl@acme.io")["groups"] == json{kOps});
  CHECK(sim.Control("frobnicate", json::object()).status == 404);
}

TEST_CASE("seed errors name the place") {
  struct Row {
    const char* seed;
    const char* fragment;
  };
  for (const Row& row : {
           Row{"orgadmin:\n  org: { id: 7d0c7a52-1111-4a57-9a0e-000000000001 }\n", "credentials"},
           Row{"orgadmin:\n  credentials: { token: t }\n  org: { id: nope }\n", "orgadmin.org.id must be a UUID"},
           Row{"orgadmin:\n  credentials: { token: t }\n  org: { id: 7d0c7a52-1111-4a57-9a0e-000000000001 }\n"
               "  members: [ { email: x@acme.io, role: user } ]\n",
               "orgadmin.members[0]: no user has email x@acme.io"},
       }) {
    CAPTURE(row.seed);
    auto created = SimServer::Create(row.seed, ServerOptions{});
    REQUIRE(std::holds_alternative<std::string>(created));
    CHECK(std::get<std::string>(created).find(row.fragment) != std::string::npos);
  }
}

}  // namespace
}  // namespace idsync::sim
