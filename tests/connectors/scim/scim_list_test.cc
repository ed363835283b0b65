// The scim connector's listing and resolution against a scripted provider.
#include "tests/connectors/scim/scim_fixture.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

DesiredUsers DesiredWithGroups(std::set<std::string> names) {
  DesiredUser u;
  u.grants.set = std::move(names);
  return {{"alice@acme.io", u}};
}

TEST_CASE("users and groups are listed page by page, advancing by what each page returned") {
  ScimFixture f;
  f.http.Push(Answer(200, Spc(true, true, 2)));
  // The provider returns fewer than asked on the second page; totalResults ends it.
  f.http.Push(Answer(200, ListBody({UserJson("u1", "Alice@Acme.io"), UserJson("u2", "bob@acme.io", false)}, 3)));
  f.http.Push(Answer(200, ListBody({UserJson("u3", "carl@acme.io")}, 3)));
  f.http.Push(Answer(200, ListBody(std::vector<json>({{{"id", "g1"}, {"displayName", "Engineering"},
                                                 {"members", {{{"value", "u1"}}, {{"value", "u2"}}}}},
                                                {{"id", "g2"}, {"displayName", "Other"}, {"members", {{{"value", "u1"}}}}}}),
                                   2)));
  DesiredUsers desired = DesiredWithGroups({"engineering"});
  auto live = f.connector.List(ListContext{&desired, nullptr, nullptr});
  INFO(live.status().message());
  REQUIRE(live.ok());
  auto requests = f.Requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].url == std::string(kBase) + "/ServiceProviderConfig");
  CHECK(requests[1].url == std::string(kBase) + "/Users?startIndex=1&count=2");
  CHECK(requests[2].url == std::string(kBase) + "/Users?startIndex=3&count=2");
  CHECK(requests[3].url == std::string(kBase) + "/Groups?startIndex=1&count=2");

  REQUIRE(live->users.size() == 3);
  const LiveUser& alice = live->users.at("alice@acme.io");
  CHECK(alice.id == "u1");
  CHECK(alice.status == LiveStatus::kActive);
  CHECK(alice.name == "Name u1");
  CHECK(alice.grants.set == std::set<std::string>{"g1"});  // Other is not managed: never a grant
  CHECK(live->users.at("bob@acme.io").status == LiveStatus::kRetired);
  CHECK(live->users.at("carl@acme.io").grants.set.empty());
  CHECK(live->catalog == std::map<std::string, std::string>{{"Engineering", "g1"}, {"Other", "g2"}});
  CHECK(live->complete);
}

TEST_CASE("groups idsync applied last time stay managed when no binding names them") {
  ScimFixture f;
  ManagedAccounts managed;
  managed["bob@acme.io"].grants.set = {"g2"};
  LiveState live = f.ListOnce({UserJson("u1", "alice@acme.io")},
                              std::vector<json>({{{"id", "g1"}, {"displayName", "Eng"}, {"members", {{{"value", "u1"}}}}},
                                           {{"id", "g2"}, {"displayName", "Ops"}, {"members", {{{"value", "u1"}}}}}}),
                              ListContext{nullptr, &managed, nullptr});
  CHECK(live.users.at("alice@acme.io").grants.set == std::set<std::string>{"g2"});
}

TEST_CASE("an empty page ends the listing even without totalResults") {
  ScimFixture f;
  f.http.Push(Answer(200, Spc()));
  f.http.Push(Answer(200, json{{"Resources", {UserJson("u1", "a@x.io")}}}.dump()));
  f.http.Push(Answer(200, json{{"Resources", json::array()}}.dump()));
  f.http.Push(Answer(200, json{{"totalResults", 0}}.dump()));
  auto live = f.connector.List({});
  REQUIRE(live.ok());
  CHECK(live->users.size() == 1);
  auto requests = f.Requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[2].url == std::string(kBase) + "/Users?startIndex=2&count=100");
}

TEST_CASE("the provider's config is read once per connector, and asked again after a failure") {
  ScimFixture f;
  f.http.Push(Answer(401, ErrorBody(401, "", "Bearer token missing or invalid")));
  auto failed = f.connector.List({});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kUnauthenticated);
  CHECK(failed.status().message() ==
        "scim app: list: GET /ServiceProviderConfig: HTTP 401: Bearer token missing or invalid");
  f.ListOnce({}, {}, {});
  f.ListOnce({}, {}, {}, /*with_config=*/false);
  auto requests = f.Requests();
  REQUIRE(requests.size() == 6);
  CHECK(requests[1].url == std::string(kBase) + "/ServiceProviderConfig");
  CHECK(requests[4].url == std::string(kBase) + "/Users?startIndex=1&count=100");
}

TEST_CASE("a provider without PATCH is an error for this platform") {
  ScimFixture f;
  f.http.Push(Answer(200, Spc(/*patch=*/false)));
  auto live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kFailedPrecondition);
  CHECK(live.status().message().find("patch.supported") != std::string::npos);
  CHECK(f.http.requests().size() == 1);
}

TEST_CASE("a token the provider echoes back never reaches the message") {
  ScimFixture f;
  f.http.Push(Answer(403, ErrorBody(403, "", std::string("token ") + kToken + " may not list")));
  auto live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kPermissionDenied);
  CHECK(live.status().message().find(kToken) == std::string::npos);
  CHECK(live.status().message().find("may not list") != std::string::npos);
}

TEST_CASE("group names resolve to ids case-insensitively; unknown and shared names are errors") {
  ScimFixture f;
  LiveState live = f.ListOnce({},
                              std::vector<json>({{{"id", "g1"}, {"displayName", "Engineering"}},
                                           {{"id", "g2"}, {"displayName", "On-call"}},
                                           {{"id", "g3"}, {"displayName", "Twice"}},
                                           {{"id", "g4"}, {"displayName", "twice"}}}),
                              {});
  Grants wanted;
  wanted.set = {"engineering", "ON-CALL"};
  auto resolved = f.connector.Resolve(wanted, live);
  REQUIRE(resolved.ok());
  CHECK(resolved->set == std::set<std::string>{"g1", "g2"});

  wanted.set = {"Nope"};
  auto unknown = f.connector.Resolve(wanted, live);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() ==
        "scim app: no group named \"Nope\"; groups: Engineering, On-call, Twice, twice");
  wanted.set = {"TWICE"};
  auto shared = f.connector.Resolve(wanted, live);
  REQUIRE_FALSE(shared.ok());
  CHECK(shared.status().message().find("\"TWICE\" is shared by more than one group") != std::string::npos);
  CHECK(f.connector.Resolve(Grants{}, live)->set.empty());
}

}  // namespace
}  // namespace idsync::testing
