// The SCIM wire format: bodies built exactly as scim.md shows them, answers and error
// bodies read, filter values escaped.
#include <doctest/doctest.h>

#include "connectors/scim/scim_wire.h"
#include "core/url.h"

namespace idsync::scim {
namespace {

using nlohmann::json;

HttpResponse Answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST_CASE("a userName filter is quoted, escaped and URL-encoded as the contract shows") {
  CHECK(PercentEncode(UserNameFilter("alice@acme.io")) == "userName%20eq%20%22alice%40acme.io%22");
  CHECK(UserNameFilter(R"(a"b\c@acme.io)") == R"(userName eq "a\"b\\c@acme.io")");
  CHECK(PercentEncode(UserNameFilter(R"(a"b@x.io)")) == "userName%20eq%20%22a%5C%22b%40x.io%22");
}

TEST_CASE("the page size is min(100, maxResults) when maxResults is positive, else 100") {
  struct Row { const char* body; int page; bool filter; };
  const Row rows[] = {
      {R"({"patch":{"supported":true},"filter":{"supported":true,"maxResults":200}})", 100, true},
      {R"({"patch":{"supported":true},"filter":{"supported":true,"maxResults":25}})", 25, true},
      {R"({"patch":{"supported":true},"filter":{"supported":false,"maxResults":0}})", 100, false},
      {R"({"patch":{"supported":true}})", 100, false},
      {R"({"patch":{"supported":true},"filter":{"supported":true,"maxResults":"7"}})", 7, true},
  };
  for (const Row& row : rows) {
    CAPTURE(row.body);
    auto config = ParseServiceProviderConfig(row.body);
    REQUIRE(config.ok());
    CHECK(config->patch);
    CHECK(config->filter == row.filter);
    CHECK(config->PageSize() == row.page);
  }
  CHECK_FALSE(ParseServiceProviderConfig(R"({"filter":{"supported":true}})")->patch);
  CHECK_FALSE(ParseServiceProviderConfig("<html>").ok());
}

TEST_CASE("a SCIM error body becomes a typed failure carrying the server's detail") {
  struct Row { int http; const char* body; StatusCode code; const char* message; };
  const Row rows[] = {
      {409, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName already exists"})",
       StatusCode::kAlreadyExists, "op: HTTP 409 uniqueness: userName already exists"},
      {400, R"({"status":400,"scimType":"invalidFilter","detail":"bad filter"})", StatusCode::kInvalidArgument,
       "op: HTTP 400 invalidFilter: bad filter"},
      {401, R"({"status":"401","detail":"Bearer token missing"})", StatusCode::kUnauthenticated,
       "op: HTTP 401: Bearer token missing"},
      {404, R"({"status":"404","detail":"Resource x not found"})", StatusCode::kNotFound, "op: HTTP 404: Resource x not found"},
      {503, "<html>busy</html>", StatusCode::kUnavailable, "op: HTTP 503: <html>busy</html>"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.body);
    Status s = AnswerStatus(Answer(row.http, row.body), "op");
    CHECK(s.code() == row.code);
    CHECK(s.message() == row.message);
  }
  CHECK(AnswerStatus(Answer(204, ""), "op").ok());
  auto number = ParseError(R"({"status":409,"scimType":"uniqueness"})");
  REQUIRE(number);
  CHECK(number->status == "409");
}

TEST_CASE("a create body carries the names, emails, externalId and active as the contract shows") {
  Profile p;
  p.name = "Alice Liddell";
  p.external_id = "E1234";
  CHECK(CreateUserBody("alice@acme.io", p) ==
        json::parse(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@acme.io",
          "name":{"givenName":"Alice","familyName":"Liddell"},"displayName":"Alice Liddell",
          "emails":[{"value":"alice@acme.io","type":"work","primary":true}],"externalId":"E1234","active":true})"));
  Profile bare;
  CHECK(CreateUserBody("bob@acme.io", bare) ==
        json::parse(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob@acme.io",
          "emails":[{"value":"bob@acme.io","type":"work","primary":true}],"active":true})"));
  Profile given;
  given.name = "Mary Ann de Vries";
  given.given_name = "Mary Ann";
  CHECK(GivenName(given) == "Mary Ann");
  CHECK(FamilyName(given) == "Vries");  // from name, split at its last space
}

TEST_CASE("member patches are one operation each, removal by a value filter") {
  CHECK(AddMemberBody("u1") == json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"add","path":"members","value":[{"value":"u1"}]}]})"));
  CHECK(RemoveMemberBody("u1") == json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"remove","path":"members[value eq \"u1\"]"}]})"));
  CHECK(SetActiveBody(false) == json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"replace","path":"active","value":false}]})"));
}

TEST_CASE("list pages read users, groups and a missing Resources as empty") {
  auto users = ParseUserPage(R"({"totalResults":"2","Resources":[
      {"id":"1","userName":"A@x.io","active":false,"name":{"givenName":"A"},"displayName":"A B","externalId":"E"},
      {"id":"2","userName":"b@x.io"}]})");
  REQUIRE(users.ok());
  CHECK(users->total == 2);
  REQUIRE(users->resources.size() == 2);
  CHECK_FALSE(users->resources[0].active);
  CHECK(users->resources[0].given_name == "A");
  CHECK(users->resources[0].family_name == std::nullopt);
  CHECK(users->resources[1].active);
  auto groups = ParseGroupPage(R"({"totalResults":1,"Resources":[{"id":"g","displayName":"Eng","members":[{"value":"1"}]}]})");
  REQUIRE(groups.ok());
  CHECK(groups->resources[0].members == std::vector<std::string>{"1"});
  auto empty = ParseUserPage(R"({"totalResults":0})");
  REQUIRE(empty.ok());
  CHECK(empty->resources.empty());
  CHECK_FALSE(ParseUserPage(R"({"Resources":{}})").ok());
}

}  // namespace
}  // namespace idsync::scim
