// The workspace platform over real HTTP: a SimServer on 127.0.0.1 port 0 in this
// process, spoken to with httplib::Client as idsync's connector would.
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
workspace:
  credentials: { api_key: sim-key, api_secret: sim-secret }
  users:
    - { email: alice@acme.io, name: Alice, accountType: DEVELOPER }
  invitations:
    - { email: bob@acme.io, accountType: ANALYST, inviteStatus: SENT }
    - { email: old@acme.io, accountType: BUSINESS, inviteStatus: EXPIRED }
  disabled:
    - { email: gone@acme.io, accountType: DEVELOPER }
)";

constexpr const char* kList =
    "query ListUsers { listUsers { ok activeUsers { uid email name accountType } "
    "invitedUsers { email accountType inviteStatus } } }";
constexpr const char* kInvite =
    "mutation InviteUser($email: String!, $accountType: UserAccountType!) {"
    " inviteUser(email: $email, accountType: $accountType) { ok } }";
constexpr const char* kUpdate =
    "mutation UpdateUserAccountType($uid: String!, $accountType: UserAccountType!) {"
    " updateUserAccountType(uid: $uid, accountType: $accountType) { ok } }";
constexpr const char* kDisable = "mutation DisableUser($uid: String!) { disableUser(uid: $uid) { ok } }";

using testing::Reply;

class Sim : public testing::SimConnection {
 public:
  explicit Sim(const std::string& seed = kSeed) : SimConnection(seed) {}

  Reply Graphql(const std::string& query, const json& variables = json::object(),
                httplib::Headers headers = {{"X-API-KEY", "sim-key"}, {"X-API-SECRET", "sim-secret"}}) {
    json body = {{"query", query}, {"variables", variables}};
    return testing::JsonReply(client().Post("/workspace/graphql", headers, body.dump(), "application/json"));
  }
  Reply Control(const std::string& path, const json& body = json::object()) {
    return testing::JsonReply(client().Post(path, body.dump(), "application/json"));
  }
  Reply Get(const std::string& path) { return testing::JsonReply(client().Get(path)); }

  json Users() { return Graphql(kList).body["data"]["listUsers"]; }
  // The active user with `email`, or null.
  json Active(const std::string& email) {
    json users = Users();
    for (const json& u : users["activeUsers"]) {
      if (u["email"] == email) return u;
    }
    return nullptr;
  }
  json Invited(const std::string& email) {
    json users = Users();
    for (const json& i : users["invitedUsers"]) {
      if (i["email"] == email) return i;
    }
    return nullptr;
  }
  Reply Invite(const std::string& email, const std::string& type) {
    return Graphql(kInvite, {{"email", email}, {"accountType", type}});
  }
};

bool IsUid(const json& uid) {
  if (!uid.is_string()) return false;
  std::string s = uid;
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_CASE("requests without the seeded key and secret get 401 with an errors list") {
  Sim sim;
  const httplib::Headers cases[] = {
      {},
      {{"X-API-KEY", "sim-key"}},
      {{"X-API-KEY", "sim-key"}, {"X-API-SECRET", "wrong"}},
      {{"X-API-KEY", "wrong"}, {"X-API-SECRET", "sim-secret"}},
  };
  for (const auto& headers : cases) {
    Reply r = sim.Graphql(kList, json::object(), headers);
    CHECK(r.status == 401);
    REQUIRE(r.body["errors"].is_array());
    CHECK(r.body["errors"][0]["message"].is_string());
    CHECK(r.body["errors"][0]["message"].get<std::string>().find("sim-secret") == std::string::npos);
    CHECK_FALSE(r.body.contains("data"));
  }
  CHECK(sim.Get("/_sim/counters").body["workspace"]["unauthorized"] == 4);
}

TEST_CASE("listUsers returns active users and invitations, not disabled users") {
  Sim sim;
  Reply r = sim.Graphql(kList);
  CHECK(r.status == 200);
  json list = r.body["data"]["listUsers"];
  CHECK(list["ok"] == true);
  REQUIRE(list["activeUsers"].size() == 1);
  CHECK(list["activeUsers"][0]["email"] == "alice@acme.io");
  CHECK(list["activeUsers"][0]["name"] == "Alice");
  CHECK(list["activeUsers"][0]["accountType"] == "DEVELOPER");
  CHECK(IsUid(list["activeUsers"][0]["uid"]));
  CHECK(list["invitedUsers"] == json::parse(R"([
      {"email": "bob@acme.io", "accountType": "ANALYST", "inviteStatus": "SENT"},
      {"email": "old@acme.io", "accountType": "BUSINESS", "inviteStatus": "EXPIRED"}])"));
}

TEST_CASE("a new email is invited, then accepted into an active user with the invited type") {
  Sim sim;
  Reply r = sim.Invite("carol@acme.io", "ANALYST");
  CHECK(r.status == 200);
  CHECK(r.body == json{{"data", {{"inviteUser", {{"ok", true}}}}}});
  CHECK(sim.Invited("carol@acme.io")["accountType"] == "ANALYST");
  CHECK(sim.Active("carol@acme.io").is_null());

  Reply accepted = sim.Control("/_sim/workspace/accept", {{"email", "carol@acme.io"}});
  CHECK(accepted.status == 200);
  json user = sim.Active("carol@acme.io");
  REQUIRE(user.is_object());
  CHECK(user["accountType"] == "ANALYST");
  CHECK(IsUid(user["uid"]));
  CHECK(user["uid"] != sim.Active("alice@acme.io")["uid"]);
  CHECK(sim.Invited("carol@acme.io").is_null());
}

TEST_CASE("inviteUser refuses active users and pending invitations with ok false and a reason") {
  Sim sim;
  struct Case {
    const char* email;
    const char* code;
  };
  for (const Case& c : {Case{"alice@acme.io", "USER_ALREADY_ACTIVE"}, Case{"ALICE@acme.io", "USER_ALREADY_ACTIVE"},
                        Case{"bob@acme.io", "USER_ALREADY_INVITED"}, Case{"not-an-email", "INVALID_EMAIL"}}) {
    CAPTURE(c.email);
    Reply r = sim.Invite(c.email, "ADMIN");
    CHECK(r.status == 200);
    CHECK(r.body["data"] == json{{"inviteUser", {{"ok", false}}}});
    REQUIRE(r.body["errors"].size() == 1);
    CHECK(r.body["errors"][0]["path"] == json::array({"inviteUser"}));
    CHECK(r.body["errors"][0]["extensions"]["code"] == c.code);
  }
  CHECK(sim.Invited("bob@acme.io")["accountType"] == "ANALYST");  // unchanged
}

TEST_CASE("an expired invitation is replaced by a new ACTIVE one when invited again") {
  Sim sim;
  CHECK(sim.Invite("old@acme.io", "DEVELOPER").body["data"]["inviteUser"]["ok"] == true);
  CHECK(sim.Invited("old@acme.io") ==
        json{{"email", "old@acme.io"}, {"accountType", "DEVELOPER"}, {"inviteStatus", "ACTIVE"}});
  CHECK(sim.Users()["invitedUsers"].size() == 2);
}

TEST_CASE("a disabled user is invited again like a new one") {
  Sim sim;
  CHECK(sim.Invite("gone@acme.io", "BUSINESS").body["data"]["inviteUser"]["ok"] == true);
  CHECK(sim.Invited("gone@acme.io")["accountType"] == "BUSINESS");
}

TEST_CASE("updateUserAccountType changes an active user and refuses an unknown uid") {
  Sim sim;
  std::string uid = sim.Active("alice@acme.io")["uid"];
  Reply r = sim.Graphql(kUpdate, {{"uid", uid}, {"accountType", "ADMIN"}});
  CHECK(r.body == json{{"data", {{"updateUserAccountType", {{"ok", true}}}}}});
  CHECK(sim.Active("alice@acme.io")["accountType"] == "ADMIN");

  r = sim.Graphql(kUpdate, {{"uid", std::string(64, 'f')}, {"accountType", "ADMIN"}});
  CHECK(r.status == 200);
  CHECK(r.body["data"]["updateUserAccountType"]["ok"] == false);
  CHECK(r.body["errors"][0]["extensions"]["code"] == "USER_NOT_FOUND");
}

TEST_CASE("disableUser removes the user from the list; a second disable is refused") {
  Sim sim;
  std::string uid = sim.Active("alice@acme.io")["uid"];
  CHECK(sim.Graphql(kDisable, {{"uid", uid}}).body["data"]["disableUser"]["ok"] == true);
  CHECK(sim.Active("alice@acme.io").is_null());
  json state = sim.Get("/_sim/state").body["workspace"];
  CHECK(state["disabled"].size() == 2);
  Reply again = sim.Graphql(kDisable, {{"uid", uid}});
  CHECK(again.body["data"]["disableUser"]["ok"] == false);
  CHECK(again.body["errors"][0]["extensions"]["code"] == "USER_NOT_FOUND");
}

TEST_CASE("GraphQL errors over HTTP: bad documents are 400, bad enum values BAD_USER_INPUT") {
  Sim sim;
  Reply r = sim.Graphql("{ listUsers { ok activeUsers { uid foo } } }");
  CHECK(r.status == 400);
  CHECK(r.body["errors"][0]["message"] == "Cannot query field \"foo\" on type \"ActiveUser\".");
  CHECK(r.body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED");

  r = sim.Graphql("mutation { inviteUser(email: \"x@acme.io\", accountType: ADMIN, bar: 1) { ok } }");
  CHECK(r.body["errors"][0]["message"] == "Unknown argument \"bar\" on field \"Mutation.inviteUser\".");

  r = sim.Invite("x@acme.io", "BOSS");
  CHECK(r.status == 400);
  CHECK(r.body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT");
  CHECK(sim.Invited("x@acme.io").is_null());

  r = sim.Graphql("{ listUsers { ok }");
  CHECK(r.status == 400);
  CHECK(r.body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED");
  CHECK(r.body["errors"][0]["locations"][0] == json{{"line", 1}, {"column", 19}});
}

TEST_CASE("expire, drift and direct users change the workspace behind idsync's back") {
  Sim sim;
  CHECK(sim.Control("/_sim/workspace/expire", {{"email", "bob@acme.io"}}).status == 200);
  CHECK(sim.Invited("bob@acme.io")["inviteStatus"] == "EXPIRED");
  Reply refused = sim.Control("/_sim/workspace/accept", {{"email", "bob@acme.io"}});
  CHECK(refused.status == 409);
  CHECK(refused.body["error"].is_string());

  CHECK(sim.Control("/_sim/workspace/drift", {{"email", "alice@acme.io"}, {"accountType", "ADMIN"}}).status == 200);
  CHECK(sim.Active("alice@acme.io")["accountType"] == "ADMIN");

  Reply added = sim.Control("/_sim/workspace/users", {{"email", "eve@acme.io"}, {"accountType", "BUSINESS"}, {"name", "Eve"}});
  CHECK(added.status == 200);
  CHECK(sim.Active("eve@acme.io")["name"] == "Eve");
  CHECK(sim.Control("/_sim/workspace/users", {{"email", "eve@acme.io"}, {"accountType", "BUSINESS"}}).status == 409);
}

TEST_CASE("control requests that cannot be done say why") {
  Sim sim;
  struct Case {
    const char* path;
    json body;
    int status;
  };
  const Case cases[] = {
      {"/_sim/workspace/accept", {{"email", "nobody@acme.io"}}, 404},
      {"/_sim/workspace/expire", {{"email", "nobody@acme.io"}}, 404},
      {"/_sim/workspace/drift", {{"email", "nobody@acme.io"}, {"accountType", "ADMIN"}}, 404},
      {"/_sim/workspace/drift", {{"email", "alice@acme.io"}, {"accountType", "BOSS"}}, 400},
      {"/_sim/workspace/accept", json::object(), 400},
      {"/_sim/workspace/explode", {{"email", "alice@acme.io"}}, 404},
      {"/_sim/houston/accept", {{"email", "alice@acme.io"}}, 404},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    Reply r = sim.Control(c.path, c.body);
    CHECK(r.status == c.status);
    CHECK(r.body["error"].is_string());
  }
}

TEST_CASE("counters count requests, root fields and mutations, and reset") {
  Sim sim;
  sim.Graphql(kList);
  sim.Invite("carol@acme.io", "ANALYST");
  sim.Invite("carol@acme.io", "ANALYST");  // refused, still a mutation request
  sim.Graphql("{ nope }");
  json counters = sim.Get("/_sim/counters").body["workspace"];
  CHECK(counters["requests"] == 4);
  CHECK(counters["listUsers"] == 1);
  CHECK(counters["inviteUser"] == 2);
  CHECK(counters["mutations"] == 2);
  CHECK(counters["rejected"] == 1);
  CHECK(counters["unauthorized"] == 0);
  CHECK(counters["disableUser"] == 0);

  CHECK(sim.Control("/_sim/counters/reset").status == 200);
  counters = sim.Get("/_sim/counters").body["workspace"];
  CHECK(counters["requests"] == 0);
  CHECK(counters["inviteUser"] == 0);
}

TEST_CASE("reset returns to the seed with the same uids") {
  Sim sim;
  json before = sim.Get("/_sim/state").body;
  sim.Invite("carol@acme.io", "ANALYST");
  sim.Control("/_sim/workspace/drift", {{"email", "alice@acme.io"}, {"accountType", "ADMIN"}});
  CHECK(sim.Get("/_sim/state").body != before);
  CHECK(sim.Control("/_sim/reset").status == 200);
  CHECK(sim.Get("/_sim/state").body == before);
  CHECK(sim.Get("/_sim/counters").body["workspace"]["requests"] == 0);
}

TEST_CASE("the state dump never contains the credentials") {
  Sim sim;
  std::string dump = sim.Get("/_sim/state").body.dump();
  CHECK(dump.find("sim-secret") == std::string::npos);
  CHECK(dump.find("sim-key") == std::string::npos);
}

}  // namespace
}  // namespace idsync::sim
