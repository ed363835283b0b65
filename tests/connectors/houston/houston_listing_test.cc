// The houston connector's listing: requests, paging, and how answers become LiveState.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include "connectors/houston/houston_connector.h"
#include "connectors/houston/houston_documents.h"
#include "tests/connectors/fake_http.h"
#include "tests/connectors/houston/houston_test_util.h"

namespace idsync {
namespace {

using nlohmann::json;
using namespace houston_test;
namespace docs = houston_documents;

TEST_CASE("listing asks Workspaces, Users (take 1000) and Invites with the raw api key") {
  Fixture f;
  f.PushListing({{{"id", "ckws1"}, {"label", "Data"}}, {{"id", "ckws2"}, {"label", nullptr}}},
                json::array({UserJson("cku1", "Alice@Acme.io", json::array({SystemBinding("SYSTEM_VIEWER")}))}), {});
  StatusOr<LiveState> live = f.connector.List({});
  INFO(live.status().message());
  REQUIRE(live.ok());
  const auto requests = f.fake.requests();
  REQUIRE(requests.size() == 3);
  CHECK(json::parse(requests[0].body) == Envelope(docs::kWorkspaces, "Workspaces", json::object()));
  CHECK(json::parse(requests[1].body) == Envelope(docs::kUsers, "Users", {{"take", 1000}}));
  CHECK(json::parse(requests[2].body) == Envelope(docs::kInvites, "Invites", json::object()));
  for (const HttpRequest& r : requests) {
    CHECK(r.method == "POST");
    CHECK(r.url == kUrl);
    CHECK(r.headers == HttpHeaders{{"Content-Type", "application/json"},
                                   {"Accept", "application/json"},
                                   {"Authorization", kKey}});
  }
  CHECK(live->catalog == std::map<std::string, std::string>{{"ckws1", "Data"}, {"ckws2", ""}});
}

TEST_CASE("a user's grants are the most privileged system binding and workspace bindings") {
  Fixture f;
  json bindings = {SystemBinding("SYSTEM_VIEWER"),
                   SystemBinding("SYSTEM_EDITOR"),
                   SystemBinding("USER"),
                   WorkspaceBinding("WORKSPACE_EDITOR", "ckws1"),
                   DeploymentBinding("DEPLOYMENT_ADMIN", "ckdep1"),
                   {{"role", "DEPLOYMENT_VIEWER"}, {"workspace", {{"id", "ckws2"}}}, {"deployment", {{"id", "ckdep2"}}}}};
  json user = UserJson("cku1", "first@acme.io", bindings);
  user["emails"] = {{{"address", "other@acme.io"}, {"primary", false}},
                    {{"address", " Alice@Acme.IO "}, {"primary", true}}};
  user["status"] = "pending";
  user["fullName"] = "Alice Liddell";
  f.PushListing(json::array(), json::array({user}), json::array());
  StatusOr<LiveState> live = f.connector.List({});
  INFO(live.status().message());
  REQUIRE(live.ok());
  REQUIRE(live->users.count("alice@acme.io"));
  const LiveUser& alice = live->users.at("alice@acme.io");
  CHECK(alice.id == "cku1");
  CHECK(alice.status == LiveStatus::kActive);  // Houston's status is informational
  CHECK(alice.raw_status == "pending");
  CHECK(alice.name == "Alice Liddell");
  CHECK(alice.grants.single == "SYSTEM_EDITOR");
  CHECK(alice.grants.scoped == std::map<std::string, std::string>{{"ckws1", "WORKSPACE_EDITOR"}});
}

TEST_CASE("a user with only deployment and USER bindings is retired") {
  Fixture f;
  f.PushListing(json::array(),
                json::array({UserJson("cku1", "bob@acme.io", {SystemBinding("USER"), DeploymentBinding("DEPLOYMENT_ADMIN", "d1")})}),
                json::array());
  StatusOr<LiveState> live = f.connector.List({});
  INFO(live.status().message());
  REQUIRE(live.ok());
  CHECK(live->users.at("bob@acme.io").status == LiveStatus::kRetired);
  CHECK(live->users.at("bob@acme.io").grants.empty());
}

TEST_CASE("invitations of an email without a user are one pending person") {
  Fixture f;
  f.PushListing(json::array(), json::array({UserJson("cku1", "bob@acme.io", json::array({SystemBinding("SYSTEM_ADMIN")}))}),
                {InviteJson("inv1", "Carol@Acme.io", "SYSTEM_VIEWER", nullptr),
                 InviteJson("inv2", "carol@acme.io", "WORKSPACE_ADMIN", "ckws2"),
                 InviteJson("inv3", "bob@acme.io", "WORKSPACE_VIEWER", "ckws1")});
  StatusOr<LiveState> live = f.connector.List({});
  INFO(live.status().message());
  REQUIRE(live.ok());
  REQUIRE(live->users.size() == 2);
  const LiveUser& carol = live->users.at("carol@acme.io");
  CHECK(carol.status == LiveStatus::kPending);
  CHECK(carol.id.empty());
  CHECK(carol.grants.single == "SYSTEM_VIEWER");
  CHECK(carol.grants.scoped == std::map<std::string, std::string>{{"ckws2", "WORKSPACE_ADMIN"}});
  CHECK(carol.invitation_ids == std::vector<std::string>{"inv1", "inv2"});
  const LiveUser& bob = live->users.at("bob@acme.io");  // signed up: invitation ignored
  CHECK(bob.status == LiveStatus::kActive);
  CHECK(bob.grants.scoped.empty());
  CHECK(bob.invitation_ids.empty());
}

TEST_CASE("users are paged with the last id as cursor until a page shorter than take") {
  Fixture f;
  f.fake.Push(testing::Answer(200, json{{"data", {{"workspaces", json::array()}}}}.dump()));
  for (int page = 0; page < 3; ++page) {
    json users = json::array();
    const int count = page < 2 ? 1000 : 100;
    for (int i = 0; i < count; ++i) {
      users.push_back(UserJson(Id(page * 1000 + i), "u" + std::to_string(page * 1000 + i) + "@acme.io",
                               json::array({SystemBinding("SYSTEM_VIEWER")})));
    }
    f.fake.Push(testing::Answer(200, json{{"data", {{"users", users}}}}.dump()));
  }
  f.fake.Push(testing::Answer(200, json{{"data", {{"invites", json::array()}}}}.dump()));
  StatusOr<LiveState> live = f.connector.List({});
  INFO(live.status().message());
  REQUIRE(live.ok());
  CHECK(live->users.size() == 2100);
  const auto requests = f.fake.requests();
  REQUIRE(requests.size() == 5);
  CHECK(json::parse(requests[1].body)["variables"] == json{{"take", 1000}});
  CHECK(json::parse(requests[2].body)["variables"] == json{{"take", 1000}, {"cursor", Id(999)}});
  CHECK(json::parse(requests[3].body)["variables"] == json{{"take", 1000}, {"cursor", Id(1999)}});
}

TEST_CASE("a server that does not advance the cursor stops the listing") {
  Fixture f;
  spdlog::set_level(spdlog::level::off);  // the repeated page warns 1000 times
  f.fake.Push(testing::Answer(200, json{{"data", {{"workspaces", json::array()}}}}.dump()));
  json users = json::array();
  for (int i = 0; i < 1000; ++i) users.push_back(UserJson(Id(i), "u" + std::to_string(i) + "@acme.io", {}));
  f.fake.Push(testing::Answer(200, json{{"data", {{"users", users}}}}.dump()));
  f.fake.Push(testing::Answer(200, json{{"data", {{"users", users}}}}.dump()));
  StatusOr<LiveState> live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kInternal);
  CHECK(live.status().message().find("does not advance") != std::string::npos);
  spdlog::set_level(spdlog::level::info);
}

TEST_CASE("listing failures name the platform and carry the server's message and code") {
  struct Case {
    const char* name;
    int http;
    std::string body;
    StatusCode code;
    const char* text;
  };
  const Case cases[] = {
      {"unauthenticated", 200,
       ErrorJson("workspaces", "The API key is not valid: " + std::string(kKey), "UNAUTHENTICATED"),
       StatusCode::kUnauthenticated, "houston astro: list workspaces: The API key is not valid: (redacted) (UNAUTHENTICATED)"},
      {"internal error is retryable", 200, ErrorJson("workspaces", "boom", "INTERNAL_SERVER_ERROR"),
       StatusCode::kUnavailable, "houston astro: list workspaces: boom (INTERNAL_SERVER_ERROR)"},
      {"validation failure", 400,
       json{{"errors", {{{"message", "Cannot query field \"x\""}, {"extensions", {{"code", "GRAPHQL_VALIDATION_FAILED"}}}}}}}.dump(),
       StatusCode::kInvalidArgument, "(GRAPHQL_VALIDATION_FAILED)"},
      {"ingress 502 page", 502, "<html>bad gateway</html>", StatusCode::kUnavailable, "HTTP 502"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Fixture f;
    f.fake.Push(testing::Answer(c.http, c.body));
    StatusOr<LiveState> live = f.connector.List({});
    REQUIRE_FALSE(live.ok());
    CHECK(live.status().code() == c.code);
    CHECK(live.status().retryable() == (c.code == StatusCode::kUnavailable));
    CHECK(live.status().message().find(c.text) != std::string::npos);
    CHECK(live.status().message().find(kKey) == std::string::npos);
  }
}

TEST_CASE("desired workspace ids are checked against the catalog") {
  Fixture f;
  LiveState live;
  live.catalog = {{"ckws1", "Data"}, {"ckws2", ""}};
  Grants ok{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_EDITOR"}}, {}};
  StatusOr<Grants> resolved = f.connector.Resolve(ok, live);
  REQUIRE(resolved.ok());
  CHECK(*resolved == ok);
  Grants bad{std::nullopt, {{"ckws1", "WORKSPACE_EDITOR"}, {"nope", "WORKSPACE_VIEWER"}, {"zz", "WORKSPACE_ADMIN"}}, {}};
  resolved = f.connector.Resolve(bad, live);
  REQUIRE_FALSE(resolved.ok());
  CHECK(resolved.status().code() == StatusCode::kInvalidArgument);
  CHECK(resolved.status().message() ==
        "houston astro: unknown workspace ids nope, zz; valid workspace ids: ckws1 (Data), ckws2");
}

}  // namespace
}  // namespace idsync
