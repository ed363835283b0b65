// The scim connector's mutating calls: exact requests, and how answers are read.
#include "tests/connectors/scim/scim_fixture.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

const char* const kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

Action MakeAction(Verb verb, std::string user_id, std::set<std::string> before, std::set<std::string> after) {
  Action a;
  a.platform = "app";
  a.email = "alice@acme.io";
  a.verb = verb;
  a.user_id = std::move(user_id);
  a.before.set = std::move(before);
  a.after.set = std::move(after);
  return a;
}

json AddMember(const std::string& id) {
  return {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", id}}}}}}}};
}
json RemoveMember(const std::string& id) {
  return {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "remove"}, {"path", "members[value eq \"" + id + "\"]"}}}}};
}
json Active(bool value) {
  return {{"schemas", {kPatchOp}}, {"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", value}}}}};
}

TEST_CASE("invite creates the user active, then adds it to each desired group") {
  ScimFixture f;
  Action a = MakeAction(Verb::kInvite, "", {}, {"g1", "g2"});
  a.profile.name = "Alice Liddell";
  a.profile.given_name = "Alice";
  a.profile.family_name = "Liddell";
  f.http.Push(Answer(201, UserJson("new-id", "alice@acme.io").dump()));
  f.http.Push(Answer(200, "{}"));
  f.http.Push(Answer(204, ""));
  REQUIRE(f.connector.Invite(a).ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 3);
  CHECK(r[0].method == "POST");
  CHECK(r[0].url == std::string(kBase) + "/Users");
  CHECK(Body(r[0]) == json::parse(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "userName":"alice@acme.io","name":{"givenName":"Alice","familyName":"Liddell"},
      "displayName":"Alice Liddell","emails":[{"value":"alice@acme.io","type":"work","primary":true}],"active":true})"));
  CHECK(r[1].method == "PATCH");
  CHECK(r[1].url == std::string(kBase) + "/Groups/g1");
  CHECK(Body(r[1]) == AddMember("new-id"));
  CHECK(r[2].url == std::string(kBase) + "/Groups/g2");
  CHECK(Body(r[2]) == AddMember("new-id"));
}

TEST_CASE("a 409 uniqueness on create finds the user by filter and adopts it") {
  ScimFixture f;
  f.ListOnce({}, {}, {});  // the config says filters work
  f.http.Push(Answer(409, ErrorBody(409, "uniqueness", "userName already exists")));
  f.http.Push(Answer(200, ListBody({UserJson("old-id", "Alice@acme.io")}, 1)));
  f.http.Push(Answer(200, "{}"));
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "", {}, {"g1"}));
  INFO(s.message());
  REQUIRE(s.ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 6);
  CHECK(r[4].method == "GET");
  CHECK(r[4].url == std::string(kBase) + "/Users?filter=userName%20eq%20%22alice%40acme.io%22");
  CHECK(r[5].url == std::string(kBase) + "/Groups/g1");
  CHECK(Body(r[5]) == AddMember("old-id"));
}

TEST_CASE("without filter support the 409 user is found in the full listing") {
  ScimFixture f;
  f.http.Push(Answer(409, ErrorBody(409, "uniqueness", "taken")));
  f.http.Push(Answer(200, Spc(true, /*filter=*/false)));
  f.http.Push(Answer(200, ListBody({UserJson("x", "zed@acme.io"), UserJson("old-id", "alice@acme.io")}, 2)));
  REQUIRE(f.connector.Invite(MakeAction(Verb::kInvite, "", {}, {})).ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 3);
  CHECK(r[2].url == std::string(kBase) + "/Users?startIndex=1&count=100");
}

TEST_CASE("a 409 whose user cannot be found is a failure with the server's detail") {
  ScimFixture f;
  f.ListOnce({}, {}, {});
  f.http.Push(Answer(409, ErrorBody(409, "uniqueness", "userName already exists")));
  f.http.Push(Answer(200, ListBody({}, 0)));
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "", {}, {"g1"}));
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message().find("scim app: create alice@acme.io: HTTP 409 uniqueness: userName already exists") == 0);
}

TEST_CASE("grant changes add and remove one member per request, only where they differ") {
  ScimFixture f;
  for (int i = 0; i < 2; ++i) f.http.Push(Answer(204, ""));
  REQUIRE(f.connector.ChangeGrants(MakeAction(Verb::kGrant, "u1", {"keep", "old"}, {"keep", "new"})).ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 2);
  CHECK(r[0].url == std::string(kBase) + "/Groups/new");
  CHECK(Body(r[0]) == AddMember("u1"));
  CHECK(r[1].url == std::string(kBase) + "/Groups/old");
  CHECK(Body(r[1]) == RemoveMember("u1"));
}

TEST_CASE("a refused group change names the user, the group and the server's detail") {
  ScimFixture f;
  f.http.Push(Answer(404, ErrorBody(404, "", "Resource g9 not found")));
  Status s = f.connector.ChangeGrants(MakeAction(Verb::kGrant, "u1", {}, {"g9"}));
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "scim app: add alice@acme.io to group g9: HTTP 404: Resource g9 not found");
}

TEST_CASE("retire, reactivate and remove; gone users count as done where the contract says") {
  struct Row { const char* name; Verb verb; int status; bool ok; const char* method; json body; };
  const Row rows[] = {
      {"retire", Verb::kRetire, 200, true, "PATCH", Active(false)},
      {"retire of a gone user", Verb::kRetire, 404, true, "PATCH", Active(false)},
      {"remove", Verb::kRemove, 204, true, "DELETE", nullptr},
      {"remove of a gone user", Verb::kRemove, 404, true, "DELETE", nullptr},
      {"remove refused", Verb::kRemove, 403, false, "DELETE", nullptr},
      {"reactivate of a gone user", Verb::kReactivate, 404, false, "PATCH", Active(true)},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    ScimFixture f;
    f.http.Push(Answer(row.status, row.status == 404 ? ErrorBody(404, "", "Resource u1 not found") : ""));
    Action a = MakeAction(row.verb, "u1", {}, {});
    Status s = row.verb == Verb::kRetire ? f.connector.Retire(a)
             : row.verb == Verb::kRemove ? f.connector.Remove(a)
                                         : f.connector.Reactivate(a);
    CHECK(s.ok() == row.ok);
    auto r = f.Requests();
    REQUIRE(r.size() == 1);
    CHECK(r[0].method == row.method);
    CHECK(r[0].url == std::string(kBase) + "/Users/u1");
    if (!row.body.is_null()) CHECK(Body(r[0]) == row.body);
  }
}

TEST_CASE("reactivate makes the account active and brings its groups to the desired ones") {
  ScimFixture f;
  f.http.Push(Answer(200, "{}"));
  f.http.Push(Answer(204, ""));
  REQUIRE(f.connector.Reactivate(MakeAction(Verb::kReactivate, "u1", {}, {"g1"})).ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 2);
  CHECK(Body(r[0]) == Active(true));
  CHECK(r[1].url == std::string(kBase) + "/Groups/g1");
}

TEST_CASE("update replaces only the profile fields that differ from the listing") {
  ScimFixture f;
  json listed = {{"id", "u1"}, {"userName", "alice@acme.io"}, {"displayName", "Alice Old"},
                 {"name", {{"givenName", "Alice"}, {"familyName", "Old"}}}};
  f.ListOnce({listed}, {}, {});
  Action a = MakeAction(Verb::kUpdate, "u1", {}, {});
  a.profile.name = "Alice Liddell";
  a.profile.given_name = "Alice";
  a.profile.family_name = "Liddell";
  a.profile.external_id = "E1234";
  f.http.Push(Answer(200, "{}"));
  REQUIRE(f.connector.Update(a).ok());
  auto r = f.Requests();
  REQUIRE(r.size() == 4);
  CHECK(r[3].method == "PATCH");
  CHECK(r[3].url == std::string(kBase) + "/Users/u1");
  CHECK(Body(r[3]) == json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"replace","path":"name.familyName","value":"Liddell"},
                    {"op":"replace","path":"displayName","value":"Alice Liddell"},
                    {"op":"replace","path":"externalId","value":"E1234"}]})"));

  Action same = MakeAction(Verb::kUpdate, "u1", {}, {});
  same.profile.name = "Alice Old";
  REQUIRE(f.connector.Update(same).ok());
  CHECK(f.http.requests().size() == 4);  // nothing differs: nothing sent
}

TEST_CASE("an update of a user the listing did not show sends every known field") {
  ScimFixture f;
  Action a = MakeAction(Verb::kUpdate, "u7", {}, {});
  a.profile.name = "Bob";
  f.http.Push(Answer(404, ErrorBody(404, "", "Resource u7 not found")));
  Status s = f.connector.Update(a);
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "scim app: update alice@acme.io: HTTP 404: Resource u7 not found");
  auto r = f.Requests();
  REQUIRE(r.size() == 1);
  CHECK(Body(r[0]) == json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"replace","path":"name.givenName","value":"Bob"},
                    {"op":"replace","path":"displayName","value":"Bob"}]})"));
}

}  // namespace
}  // namespace idsync::testing
