// The orgadmin connector's listing: which lookups it makes (and does not make), how it
// reads groupUsers into live state, and what the planner makes of that state.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "connectors/factory.h"
#include "reconcile/planner.h"
#include "tests/connectors/orgadmin/orgadmin_fixture.h"

namespace idsync {
namespace {

using nlohmann::json;
using namespace idsync::testing;
namespace docs = orgadmin_documents;

DesiredUser Want(const std::string& email, std::string role, std::set<std::string> groups) {
  DesiredUser d;
  d.profile.email_as_written = email;
  d.grants.single = std::move(role);
  d.grants.set = std::move(groups);
  return d;
}

ManagedAccount Managed(const std::string& email, const char* id, std::string role,
                       std::set<std::string> groups, bool retired = false) {
  ManagedAccount m;
  m.platform = "fw";
  m.email = email;
  m.user_id = id;
  m.grants.single = std::move(role);
  m.grants.set = std::move(groups);
  m.retired = retired;
  return m;
}

json FindAnswer(const char* id, const char* email) {
  json rows = json::array();
  if (id) rows.push_back({{"id", id}, {"email", email}, {"name", "Some One"}});
  return {{"data", {{"findUserBy", rows}}}};
}

json GroupAnswer(json rows) { return {{"data", {{"groupUsers", std::move(rows)}}}}; }

TEST_CASE("the documents are the ones orgadmin.md documents, verbatim") {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/orgadmin.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (const char* document : {docs::kFindUser, docs::kGroupUsers, docs::kCreateUser,
                               docs::kAddOrgMember, docs::kUpdateMember,
                               docs::kAddGroupMembership, docs::kRemoveGroupMembership}) {
    CAPTURE(document);
    CHECK(text.str().find(document) != std::string::npos);
  }
}

struct Scenario {
  DesiredUsers desired;
  ManagedAccounts managed;
  MapIdCache ids;
  Scenario() {
    desired["alice@acme.io"] = Want("alice@acme.io", "admin", {kG1});
    desired["carl@acme.io"] = Want("carl@acme.io", "user", {kG1});
    desired["dana@acme.io"] = Want("dana@acme.io", "user", {});
    desired["fred@acme.io"] = Want("fred@acme.io", "user", {});
    managed["alice@acme.io"] = Managed("alice@acme.io", kAliceId, "admin", {kG1});
    managed["bob@acme.io"] = Managed("bob@acme.io", kBobId, "user", {kG2});
    ids.ids["dana@acme.io"] = "dddddddd-0000-4000-8000-000000000004";
  }
  ListContext context() { return ListContext{&desired, &managed, &ids}; }
};

TEST_CASE("listing looks up only uncached users and lists each managed group once") {
  OrgFixture f;
  Scenario s;
  f.Reply(FindAnswer("cccccccc-0000-4000-8000-000000000003", "carl@acme.io"));
  f.Reply(FindAnswer(nullptr, nullptr));
  f.Reply(GroupAnswer({GroupRow(kAliceId, kG1, "active", "Alice A"),
                       GroupRow("CCCCCCCC-0000-4000-8000-000000000003", kG1, "retired", "Carl C"),
                       GroupRow(kEveId, kG1, "active", "Eve Outsider")}));
  f.Reply(GroupAnswer(json::array()));

  StatusOr<LiveState> live = f.connector.List(s.context());
  REQUIRE(live.ok());
  REQUIRE(f.fake.requests().size() == 4);
  const HttpRequest sent = f.fake.requests()[0];
  CHECK(sent.method == "POST");
  CHECK(sent.url == kOrgUrl);
  CHECK(sent.headers == HttpHeaders{{"Content-Type", "application/json"},
                                    {"Accept", "application/json"},
                                    {"Authorization", std::string("Bearer ") + kToken}});
  CHECK(f.SentBody(0) == Envelope(docs::kFindUser, "FindUser", {{"email", "carl@acme.io"}}));
  CHECK(f.SentBody(1) == Envelope(docs::kFindUser, "FindUser", {{"email", "fred@acme.io"}}));
  CHECK(f.SentBody(2) == Envelope(docs::kGroupUsers, "GroupUsers", {{"org", kOrg}, {"groupId", kG1}}));
  CHECK(f.SentBody(3) == Envelope(docs::kGroupUsers, "GroupUsers", {{"org", kOrg}, {"groupId", kG2}}));

  CHECK_FALSE(live->complete);
  CHECK(live->catalog == std::map<std::string, std::string>{{kG1, ""}, {kG2, ""}});
  REQUIRE(live->users.size() == 4);
  const LiveUser& alice = live->users.at("alice@acme.io");
  CHECK(alice.id == kAliceId);
  CHECK(alice.status == LiveStatus::kActive);
  CHECK_FALSE(alice.grants.single.has_value());
  CHECK(alice.grants.set == std::set<std::string>{kG1});
  const LiveUser& bob = live->users.at("bob@acme.io");  // managed, not seen: last applied status
  CHECK(bob.id == kBobId);
  CHECK(bob.status == LiveStatus::kActive);
  CHECK(bob.grants.set.empty());
  const LiveUser& carl = live->users.at("carl@acme.io");  // seen though not managed
  CHECK(carl.status == LiveStatus::kRetired);
  CHECK(carl.grants.set == std::set<std::string>{kG1});
  const LiveUser& eve = live->users.at(std::string("userId:") + kEveId);
  CHECK(eve.id == kEveId);
  CHECK(eve.name == "Eve Outsider");
  CHECK(live->users.count("dana@acme.io") == 0);  // found is not a member
  CHECK(live->users.count("fred@acme.io") == 0);

  CHECK(s.ids.ids.at("carl@acme.io") == "cccccccc-0000-4000-8000-000000000003");
  CHECK(s.ids.ids.count("fred@acme.io") == 0);
}

TEST_CASE("a second listing with every id known costs one groupUsers per managed group") {
  OrgFixture f;
  Scenario s;
  s.ids.ids["carl@acme.io"] = "cccccccc-0000-4000-8000-000000000003";
  s.ids.ids["fred@acme.io"] = "ffffffff-0000-4000-8000-000000000006";
  f.Reply(GroupAnswer(json::array()));
  f.Reply(GroupAnswer(json::array()));
  REQUIRE(f.connector.List(s.context()).ok());
  CHECK(f.fake.requests().size() == 2);
  CHECK(f.SentBody(0)["operationName"] == "GroupUsers");
  CHECK(f.SentBody(1)["operationName"] == "GroupUsers");
}

TEST_CASE("the planner invites found non-members, adopts seen ones and reports the unmanaged") {
  OrgFixture f;
  Scenario s;
  s.desired.erase("fred@acme.io");
  f.Reply(FindAnswer("cccccccc-0000-4000-8000-000000000003", "carl@acme.io"));
  f.Reply(GroupAnswer(json::array({GroupRow(kAliceId, kG1, "retired"), GroupRow(kEveId, kG1, "active", "Eve")})));
  f.Reply(GroupAnswer(json::array({GroupRow(kBobId, kG2, "active")})));
  StatusOr<LiveState> live = f.connector.List(s.context());
  REQUIRE(live.ok());
  PlatformPolicy policy{.platform = "fw", .type = PlatformType::kOrgadmin,
                        .unmanaged = UnmanagedPolicy::kReport};
  const PlatformPlan plan = MakePlan(policy, s.desired, *live, s.managed, PlanOptions{.allow_removals = 1});
  std::vector<std::string> lines;
  for (const Action& a : plan.actions) lines.push_back(std::string(VerbName(a.verb)) + " " + a.email);
  CHECK(lines == std::vector<std::string>{"invite carl@acme.io", "invite dana@acme.io",
                                          "reactivate alice@acme.io", "retire bob@acme.io"});
  CHECK(plan.unmanaged == std::vector<std::string>{std::string("userId:") + kEveId});
  CHECK(plan.actions[2].drift);  // retired behind idsync's back
}

TEST_CASE("a group the org does not have is a resolution error naming its id") {
  OrgFixture f;
  DesiredUsers desired{{"alice@acme.io", Want("alice@acme.io", "user", {kG1, kG2})}};
  MapIdCache ids;
  ids.ids["alice@acme.io"] = kAliceId;
  f.Reply(GroupAnswer(json::array()));
  f.Reply({{"data", nullptr}, {"errors", {{{"message", "group not found"}, {"path", {"groupUsers"}}}}}});
  StatusOr<LiveState> live = f.connector.List(ListContext{&desired, nullptr, &ids});
  REQUIRE(live.ok());
  CHECK(live->catalog.count(kG1) == 1);
  CHECK(live->catalog.count(kG2) == 0);
  StatusOr<Grants> bad = f.connector.Resolve(desired.at("alice@acme.io").grants, *live);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() ==
        std::string("orgadmin fw: group not found in org ") + kOrg + ": " + kG2 + " (groups found: " + kG1 + ")");
  Grants good;
  good.single = "user";
  good.set = {kG1};
  StatusOr<Grants> resolved = f.connector.Resolve(good, *live);
  REQUIRE(resolved.ok());
  CHECK(*resolved == good);
}

TEST_CASE("authentication failures are typed and never carry the token") {
  struct Row {
    const char* name;
    int http;
    json body;
    StatusCode code;
    const char* text;
  };
  const Row rows[] = {
      {"a bad token", 401, {{"errors", {{{"message", "unauthenticated"}}}}}, StatusCode::kUnauthenticated,
       "orgadmin fw: find user alice@acme.io: unauthenticated (HTTP 401)"},
      {"an org the token may not administer", 200,
       {{"data", nullptr}, {"errors", {{{"message", "forbidden"}, {"path", {"findUserBy"}}}}}},
       StatusCode::kPermissionDenied,
       "orgadmin fw: find user alice@acme.io: forbidden (the token may not administer org "},
      {"a query error", 200,
       {{"errors", {{{"message", std::string("echo ") + kToken}, {"locations", {{{"line", 1}, {"column", 1}}}}}}}},
       StatusCode::kFailedPrecondition, "orgadmin fw: find user alice@acme.io: echo "},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    OrgFixture f;
    DesiredUsers desired{{"alice@acme.io", Want("alice@acme.io", "user", {})}};
    f.Reply(row.body, row.http);
    StatusOr<LiveState> live = f.connector.List(ListContext{&desired, nullptr, nullptr});
    REQUIRE_FALSE(live.ok());
    CHECK(live.status().code() == row.code);
    CHECK(live.status().message().rfind(row.text, 0) == 0);
    CheckNoToken(live.status());
  }
}

TEST_CASE("the factory reads credentials.token and requires org") {
  FakeHttpClient fake;
  PlatformConfig config;
  config.name = "fw";
  config.type = PlatformType::kOrgadmin;
  config.url = kOrgUrl;
  std::vector<std::string> asked;
  SecretReader secrets = [&](const PlatformConfig&, const std::string& key) -> StatusOr<std::string> {
    asked.push_back(key);
    return std::string(kToken);
  };
  StatusOr<std::unique_ptr<Connector>> missing_org = MakeConnector(config, secrets, ConnectorEnv{&fake});
  REQUIRE_FALSE(missing_org.ok());
  CHECK(missing_org.status().message().find("org is required") != std::string::npos);
  config.org = kOrg;
  StatusOr<std::unique_ptr<Connector>> built = MakeConnector(config, secrets, ConnectorEnv{&fake});
  REQUIRE(built.ok());
  CHECK((*built)->type() == PlatformType::kOrgadmin);
  CHECK(asked == std::vector<std::string>{"token"});
}

}  // namespace
}  // namespace idsync
