// The astra connector against a scripted HttpClient: exact requests (method, url,
// headers, body) for every operation, and the parsing of answers and error shapes.
#include "connectors/astra/astra_connector.h"
#include "connectors/guarded_connector.h"

#include <doctest/doctest.h>

#include <string>

#include "connectors/factory.h"
#include "tests/connectors/fake_http.h"

namespace idsync {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::FakeHttpClient;

constexpr const char* kUrl = "https://astra.example/";
constexpr const char* kToken = "AstraCS:token-5e1f";
constexpr const char* kOrg = "dacb3c32-cc2a-4bea-bd95-47ab8eb20410";
constexpr const char* kAdmin = "21ef3576-0197-415a-b167-d510af12ecf0";
constexpr const char* kDba = "5c7e1f0a-8d2b-4e3a-9f6d-2b1c0a9e8d7f";
constexpr const char* kView = "9a4d3c2b-1e0f-4a5b-8c7d-6e5f4a3b2c1d";
constexpr const char* kJohn = "388def78-0040-4dfe-b235-d67806929c8f";
constexpr const char* kJane = "d8bb706b-95a0-499b-aadc-5a43b4f9042d";

// The documented example answers (astra.md).
json UsersAnswer(const char* org = kOrg) {
  return {{"OrgID", org},
          {"OrgName", "Acme"},
          {"Users",
           {{{"UserID", kJohn},
             {"Email", "John.Smith@acme.io"},
             {"Status", "active"},
             {"Roles", {{{"ID", kAdmin}, {"Name", "Organization Administrator"}}}}},
            {{"UserID", kJane},
             {"Email", "jane.doe@acme.io"},
             {"Status", "invited"},
             {"Roles",
              {{{"ID", kDba}, {"Name", "Database Administrator"}},
               {{"ID", kView}, {"Name", "UI View Only"}}}}}}}};
}

json RolesAnswer() {
  json policy = {{"description", "Organization Administrator"},
                 {"resources", {std::string("drn:astra:org:") + kOrg}},
                 {"actions", {"org-read", "org-write"}},
                 {"effect", "allow"}};
  return json::array({{{"ID", kAdmin}, {"Name", "Organization Administrator"}, {"Policy", policy}},
                      {{"ID", kDba}, {"Name", "Database Administrator"},
                       {"Policy", R"({"effect":"allow"})"}},
                      {{"ID", kView}, {"Name", "UI View Only"}, {"Policy", nullptr}}});
}

std::string Errors(int id, const std::string& message) {
  return json{{"errors", {{{"ID", id}, {"message", message}}}}}.dump();
}

struct Fixture {
  explicit Fixture(std::optional<std::string> org = std::nullopt)
      : connector(std::make_unique<AstraConnector>("a1", kUrl, kToken, std::move(org), fake), "a1",
                  {kToken}) {}

  FakeHttpClient fake;
  GuardedConnector connector;  // as MakeConnector builds it

  // Lists with the documented answers; returns the listing.
  LiveState Listed() {
    fake.Push(Answer(200, UsersAnswer().dump()));
    fake.Push(Answer(200, RolesAnswer().dump()));
    auto live = connector.List({});
    REQUIRE(live.ok());
    return *live;
  }
  HttpRequest Last() const { return fake.requests().back(); }
};

Action MakeAction(Verb verb, std::string email, std::string user_id, std::set<std::string> after) {
  Action a;
  a.platform = "a1";
  a.verb = verb;
  a.email = std::move(email);
  a.user_id = std::move(user_id);
  a.after.set = std::move(after);
  return a;
}

void CheckHeaders(const HttpRequest& request, bool with_body) {
  HttpHeaders expected = {{"Authorization", std::string("Bearer ") + kToken},
                          {"Accept", "application/json"}};
  if (with_body) expected.emplace_back("Content-Type", "application/json");
  CHECK(request.headers == expected);
}

void CheckNoToken(const Status& status) {
  CAPTURE(status.message());
  CHECK(status.message().find(kToken) == std::string::npos);
}

TEST_CASE("listing sends one GET for users and one for roles and reads the documented answers") {
  Fixture f;
  LiveState live = f.Listed();
  auto requests = f.fake.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].url == "https://astra.example/v2/organizations/users");
  CHECK(requests[0].body.empty());
  CheckHeaders(requests[0], false);
  CHECK(requests[1].method == "GET");
  CHECK(requests[1].url == "https://astra.example/v2/organizations/roles");
  CheckHeaders(requests[1], false);

  REQUIRE(live.users.size() == 2);
  const LiveUser& john = live.users.at("john.smith@acme.io");
  CHECK(john.id == kJohn);
  CHECK(john.status == LiveStatus::kActive);
  CHECK(john.grants.set == std::set<std::string>{kAdmin});
  const LiveUser& jane = live.users.at("jane.doe@acme.io");
  CHECK(jane.id == kJane);
  CHECK(jane.status == LiveStatus::kPending);
  CHECK(jane.raw_status == "invited");
  CHECK(jane.grants.set == std::set<std::string>{kDba, kView});
  CHECK(live.complete);
  CHECK(live.catalog == std::map<std::string, std::string>{{"Database Administrator", kDba},
                                                           {"Organization Administrator", kAdmin},
                                                           {"UI View Only", kView}});
}

TEST_CASE("camelCase answers and unknown keys are read like PascalCase ones") {
  Fixture f;
  json users = {{"orgId", kOrg}, {"orgName", "Acme"}, {"nextPage", nullptr},
                {"users", {{{"userId", kJohn}, {"email", "john@acme.io"}, {"status", "ACTIVE"},
                            {"lastLogin", "2024-01-01"},
                            {"roles", {{{"id", kAdmin}, {"name", "Organization Administrator"}}}}}}}};
  json roles = json::array({{{"id", kAdmin}, {"name", "Organization Administrator"},
                             {"policy", {{"effect", "allow"}}}, {"lastUpdated", 1}}});
  f.fake.Push(Answer(200, users.dump()));
  f.fake.Push(Answer(200, roles.dump()));
  auto live = f.connector.List({});
  REQUIRE(live.ok());
  const LiveUser& john = live->users.at("john@acme.io");
  CHECK(john.id == kJohn);
  CHECK(john.status == LiveStatus::kActive);
  CHECK(john.grants.set == std::set<std::string>{kAdmin});
  CHECK(live->catalog.at("Organization Administrator") == kAdmin);
}

TEST_CASE("an unknown Status counts as present and keeps the platform's word") {
  Fixture f;
  json users = UsersAnswer();
  users["Users"][0]["Status"] = "suspended-by-sso";
  f.fake.Push(Answer(200, users.dump()));
  f.fake.Push(Answer(200, RolesAnswer().dump()));
  auto live = f.connector.List({});
  REQUIRE(live.ok());
  CHECK(live->users.at("john.smith@acme.io").status == LiveStatus::kActive);
  CHECK(live->users.at("john.smith@acme.io").raw_status == "suspended-by-sso");
}

TEST_CASE("an org that is not the token's organization fails the listing before roles") {
  Fixture f("0000aaaa-0000-4000-8000-000000000000");
  f.fake.Push(Answer(200, UsersAnswer().dump()));
  auto live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kFailedPrecondition);
  CHECK(live.status().message() ==
        std::string("astra a1: list users: the token belongs to organization ") + kOrg +
            " (Acme), not to org: 0000aaaa-0000-4000-8000-000000000000 of the manifest; "
            "nothing is applied");
  CHECK(f.fake.requests().size() == 1);
}

TEST_CASE("an org equal to the listed OrgID in another case is accepted") {
  std::string upper = kOrg;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Fixture f(upper);
  f.Listed();
}

TEST_CASE("listing failures carry the API's message and the right code, never the token") {
  struct Case {
    const char* name;
    int status;
    std::string body;
    StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {"a 401 with the errors body", 401, Errors(401, "token is not valid"),
       StatusCode::kUnauthenticated, "astra a1: list users: HTTP 401: token is not valid"},
      {"a 403 echoing the token", 403, Errors(403, std::string("token ") + kToken + " lacks a role"),
       StatusCode::kPermissionDenied, "astra a1: list users: HTTP 403: token (redacted) lacks a role"},
      {"a 502 from a proxy in HTML", 502, "<html> <body>Bad gateway</body></html>",
       StatusCode::kUnavailable, "astra a1: list users: HTTP 502: <html> <body>Bad gateway</body></html>"},
      {"a 500 without a body", 500, "", StatusCode::kUnavailable, "astra a1: list users: HTTP 500"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Fixture f;
    f.fake.Push(Answer(c.status, c.body));
    auto live = f.connector.List({});
    REQUIRE_FALSE(live.ok());
    CHECK(live.status().code() == c.code);
    CHECK(live.status().message() == c.message);
    CheckNoToken(live.status());
  }
}

TEST_CASE("a roles listing that fails or is malformed fails the whole listing") {
  Fixture f;
  f.fake.Push(Answer(200, UsersAnswer().dump()));
  f.fake.Push(Answer(200, R"({"roles": "not a list"})"));
  auto live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kInternal);
  CHECK(live.status().message().starts_with("astra a1: list roles: unexpected answer"));

  Fixture g;
  g.fake.Push(Answer(200, "not json"));
  auto bad = g.connector.List({});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "astra a1: list users: the answer is not JSON: not json");
}

TEST_CASE("a transport failure names the operation") {
  Fixture f;
  f.fake.Push(Status(StatusCode::kUnavailable, "connection refused"));
  auto live = f.connector.List({});
  REQUIRE_FALSE(live.ok());
  CHECK(live.status().code() == StatusCode::kUnavailable);
  CHECK(live.status().message() == "astra a1: list users: connection refused");
}

TEST_CASE("resolve maps names from the listing to ids and reports unknown and shared names") {
  Fixture f;
  LiveState live = f.Listed();
  Grants desired;
  desired.set = {"database administrator", kView};
  auto grants = f.connector.Resolve(desired, live);
  REQUIRE(grants.ok());
  CHECK(grants->set == std::set<std::string>{kDba, kView});

  desired.set = {"Wizard"};
  auto unknown = f.connector.Resolve(desired, live);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() ==
        "astra a1: unknown role \"Wizard\"; valid role names: Database Administrator, "
        "Organization Administrator, UI View Only");

  Fixture g;
  json roles = RolesAnswer();
  roles.push_back({{"ID", "custom-dba"}, {"Name", "Database Administrator"}});
  g.fake.Push(Answer(200, UsersAnswer().dump()));
  g.fake.Push(Answer(200, roles.dump()));
  auto shared = g.connector.List({});
  REQUIRE(shared.ok());
  desired.set = {"Database Administrator"};
  auto ambiguous = g.connector.Resolve(desired, *shared);
  REQUIRE_FALSE(ambiguous.ok());
  CHECK(ambiguous.status().message() ==
        std::string("astra a1: role name \"Database Administrator\" matches 2 roles (ids ") + kDba +
            ", custom-dba); use an id");
}

TEST_CASE("resolve without a listing uses the catalog it is given") {
  Fixture f;
  LiveState live;
  live.catalog = {{"Billing Admin", "id-billing"}};
  Grants desired;
  desired.set = {"billing admin"};
  auto grants = f.connector.Resolve(desired, live);
  REQUIRE(grants.ok());
  CHECK(grants->set == std::set<std::string>{"id-billing"});
}

TEST_CASE("invite sends exactly email as written, the listed OrgID and the sorted role ids") {
  Fixture f;
  f.Listed();
  Action a = MakeAction(Verb::kInvite, "alice@acme.io", "", {kView, kDba});
  a.profile.email_as_written = " Alice@Acme.io ";
  f.fake.Push(Answer(200, json{{"UserID", "new-id"}, {"Email", "Alice@Acme.io"},
                               {"Status", "invited"}, {"Roles", json::array()}}.dump()));
  REQUIRE(f.connector.Invite(a).ok());
  HttpRequest r = f.Last();
  CHECK(r.method == "PUT");
  CHECK(r.url == "https://astra.example/v2/organizations/users");
  CheckHeaders(r, true);
  CHECK(json::parse(r.body) == json{{"email", "Alice@Acme.io"}, {"orgID", kOrg},
                                    {"roles", {kDba, kView}}});
  CHECK(r.body == std::string(R"({"email":"Alice@Acme.io","orgID":")") + kOrg + R"(","roles":[")" +
                      kDba + R"(",")" + kView + R"("]})");
}

TEST_CASE("invite uses the platform's org when set and the normalised email when none was written") {
  Fixture f(kOrg);
  f.Listed();
  f.fake.Push(Answer(200, "{}"));
  REQUIRE(f.connector.Invite(MakeAction(Verb::kInvite, "bob@acme.io", "", {kAdmin})).ok());
  CHECK(json::parse(f.Last().body) ==
        json{{"email", "bob@acme.io"}, {"orgID", kOrg}, {"roles", {kAdmin}}});
}

TEST_CASE("invite answers: 409 already a member is done, 422 and 403 are failures") {
  struct Case {
    const char* name;
    int status;
    std::string body;
    bool ok;
    StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {"already a member", 409, Errors(409, "user is already a member of the organization"), true,
       StatusCode::kOk, ""},
      {"an unknown role id", 422, Errors(422, "unknown role id x"), false,
       StatusCode::kInvalidArgument, "astra a1: invite alice@acme.io: HTTP 422: unknown role id x"},
      {"another organization", 403, Errors(403, "orgID is not your organization"), false,
       StatusCode::kPermissionDenied,
       "astra a1: invite alice@acme.io: HTTP 403: orgID is not your organization"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Fixture f;
    f.Listed();
    f.fake.Push(Answer(c.status, c.body));
    Status s = f.connector.Invite(MakeAction(Verb::kInvite, "alice@acme.io", "", {kDba}));
    CHECK(s.ok() == c.ok);
    CHECK(s.code() == c.code);
    if (!c.ok) CHECK(s.message() == c.message);
    CHECK(f.fake.requests().size() == 3);  // never sent twice
  }
}

TEST_CASE("invite before any listing and without org fails without a request") {
  Fixture f;
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "alice@acme.io", "", {kDba}));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(f.fake.requests().empty());
}

TEST_CASE("a grant change replaces the whole role set, on invited users too") {
  Fixture f;
  f.fake.Push(Answer(204, ""));
  Action a = MakeAction(Verb::kGrant, "jane.doe@acme.io", kJane, {kView, kAdmin});
  REQUIRE(f.connector.ChangeGrants(a).ok());
  HttpRequest r = f.Last();
  CHECK(r.method == "PUT");
  CHECK(r.url == std::string("https://astra.example/v2/organizations/users/") + kJane + "/roles");
  CheckHeaders(r, true);
  CHECK(r.body == std::string(R"({"roles":[")") + kAdmin + R"(",")" + kView + R"("]})");

  f.fake.Push(Answer(404, Errors(404, "user not found")));
  Status gone = f.connector.ChangeGrants(a);
  CHECK(gone.code() == StatusCode::kNotFound);
  CHECK(gone.message() == "astra a1: set roles of jane.doe@acme.io: HTTP 404: user not found");
}

TEST_CASE("a user id is percent-encoded in the path") {
  Fixture f;
  f.fake.Push(Answer(204, ""));
  REQUIRE(f.connector.Remove(MakeAction(Verb::kRemove, "x@acme.io", "a/b c", {})).ok());
  CHECK(f.Last().url == "https://astra.example/v2/organizations/users/a%2Fb%20c");
}

TEST_CASE("remove deletes the user; 404 is already gone; other answers fail") {
  Fixture f;
  f.fake.Push(Answer(204, ""));
  REQUIRE(f.connector.Remove(MakeAction(Verb::kRemove, "john.smith@acme.io", kJohn, {})).ok());
  HttpRequest r = f.Last();
  CHECK(r.method == "DELETE");
  CHECK(r.url == std::string("https://astra.example/v2/organizations/users/") + kJohn);
  CHECK(r.body.empty());
  CheckHeaders(r, false);

  f.fake.Push(Answer(404, Errors(404, "user not found")));
  CHECK(f.connector.Remove(MakeAction(Verb::kRemove, "john.smith@acme.io", kJohn, {})).ok());

  f.fake.Push(Answer(403, Errors(403, "forbidden")));
  Status denied = f.connector.Remove(MakeAction(Verb::kRemove, "john.smith@acme.io", kJohn, {}));
  CHECK(denied.code() == StatusCode::kPermissionDenied);
  CHECK(denied.message() == "astra a1: remove john.smith@acme.io: HTTP 403: forbidden");
}

TEST_CASE("retire, reactivate and update are refused without a request") {
  Fixture f;
  Action a = MakeAction(Verb::kRetire, "john.smith@acme.io", kJohn, {});
  CHECK(f.connector.Retire(a).code() == StatusCode::kFailedPrecondition);
  CHECK(f.connector.Reactivate(a).code() == StatusCode::kFailedPrecondition);
  CHECK(f.connector.Update(a).code() == StatusCode::kFailedPrecondition);
  CHECK(f.fake.requests().empty());
  CHECK(f.connector.capabilities().remove);
  CHECK_FALSE(f.connector.capabilities().retire);
}

TEST_CASE("the factory builds the astra connector from the token credential") {
  PlatformConfig config;
  config.name = "a1";
  config.type = PlatformType::kAstra;
  config.url = "https://astra.example";
  FakeHttpClient fake;
  std::vector<std::string> asked;
  SecretReader secrets = [&](const PlatformConfig&, const std::string& key) -> StatusOr<std::string> {
    asked.push_back(key);
    return std::string(kToken);
  };
  auto connector = MakeConnector(config, secrets, ConnectorEnv{&fake});
  REQUIRE(connector.ok());
  CHECK((*connector)->type() == PlatformType::kAstra);
  CHECK(asked == std::vector<std::string>{"token"});

  SecretReader missing = [](const PlatformConfig&, const std::string&) -> StatusOr<std::string> {
    return InvalidArgument("platform a1: credentials.token: variable ASTRA_TOKEN is not set");
  };
  auto failed = MakeConnector(config, missing, ConnectorEnv{&fake});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message().find("ASTRA_TOKEN") != std::string::npos);
}

}  // namespace
}  // namespace idsync
