// The orgadmin connector's actions: the exact mutations each one sends, and how each
// MutationResult error is judged (orgadmin.md's error table).
#include <doctest/doctest.h>

#include "tests/connectors/orgadmin/orgadmin_fixture.h"

namespace idsync {
namespace {

using nlohmann::json;
using namespace idsync::testing;
namespace docs = orgadmin_documents;

const char* const kNewId = "12345678-0000-4000-8000-00000000000a";

Action Make(Verb verb, const char* user_id, std::optional<std::string> before_role,
            std::set<std::string> before_groups, std::optional<std::string> after_role,
            std::set<std::string> after_groups) {
  Action a;
  a.platform = "fw";
  a.email = "alice@acme.io";
  a.verb = verb;
  a.user_id = user_id ? user_id : "";
  a.before.single = std::move(before_role);
  a.before.set = std::move(before_groups);
  a.after.single = std::move(after_role);
  a.after.set = std::move(after_groups);
  a.profile.email_as_written = "Alice@Acme.io";
  a.profile.given_name = "Alice";
  a.profile.family_name = "Liddell";
  return a;
}

Action InviteAction(const char* role, std::set<std::string> groups) {
  return Make(Verb::kInvite, nullptr, std::nullopt, {}, role, std::move(groups));
}

json Update(const char* id, const char* status, const char* role) {
  return Envelope(docs::kUpdateMember, "UpdateMember",
                  {{"org", kOrg}, {"userId", id}, {"status", status}, {"role", role}});
}

json AddGroup(const char* id, const char* group) {
  return Envelope(docs::kAddGroupMembership, "AddGroupMembership",
                  {{"org", kOrg}, {"userId", id}, {"groupId", group}});
}

json RemoveGroup(const char* id, const char* group) {
  return Envelope(docs::kRemoveGroupMembership, "RemoveGroupMembership",
                  {{"org", kOrg}, {"userId", id}, {"groupId", group}});
}

std::vector<json> Sent(const OrgFixture& f) {
  std::vector<json> out;
  for (std::size_t i = 0; i < f.fake.requests().size(); ++i) out.push_back(f.SentBody(i));
  return out;
}

// Lists once with `alice` cached (or not) so the connector knows her id, and an id cache
// to learn into.
void ListWith(OrgFixture& f, MapIdCache& ids, const char* alice_id) {
  if (alice_id) ids.ids["alice@acme.io"] = alice_id;
  DesiredUsers desired;
  desired["alice@acme.io"];
  if (!alice_id) f.Reply({{"data", {{"findUserBy", json::array()}}}});
  REQUIRE(f.connector.List(ListContext{&desired, nullptr, &ids}).ok());
}

TEST_CASE("inviting a user nobody has creates them, adds their groups, and the next listing caches the id") {
  OrgFixture f;
  MapIdCache ids;
  ListWith(f, ids, nullptr);
  Action a = InviteAction("user", {kG1});
  a.profile.name = "Alice Liddell";
  a.profile.external_id = "E-1";
  f.Result("createUser", kNewId, "created");
  f.Result("addGroupMembership", kNewId, "added");
  REQUIRE(f.connector.Invite(a).ok());
  const auto sent = Sent(f);
  REQUIRE(sent.size() == 3);
  CHECK(sent[1] == Envelope(docs::kCreateUser, "CreateUser",
                            {{"org", kOrg}, {"email", "Alice@Acme.io"}, {"first", "Alice"},
                             {"last", "Liddell"}, {"name", "Alice Liddell"}, {"externalId", "E-1"}}));
  CHECK(sent[2] == AddGroup(kNewId, kG1));
  // The next listing caches the id and looks nothing up.
  CHECK(ids.ids.count("alice@acme.io") == 0);
  DesiredUsers desired;
  desired["alice@acme.io"];
  REQUIRE(f.connector.List(ListContext{&desired, nullptr, &ids}).ok());
  CHECK(f.fake.requests().size() == 3);
  CHECK(ids.ids.at("alice@acme.io") == kNewId);
}

TEST_CASE("a created admin gets updateMember, since createUser makes a user") {
  OrgFixture f;
  f.Result("createUser", kNewId, "created");
  f.Result("updateMember", kNewId, "updated");
  REQUIRE(f.connector.Invite(InviteAction("admin", {})).ok());
  const auto sent = Sent(f);
  REQUIRE(sent.size() == 2);
  CHECK(sent[0]["variables"].count("name") == 0);
  CHECK(sent[0]["variables"].count("externalId") == 0);
  CHECK(sent[1] == Update(kNewId, "active", "admin"));
}

TEST_CASE("createUser answering email already exists finds the user and adds them") {
  OrgFixture f;
  f.Result("createUser", nullptr, nullptr, "email already exists");
  f.Reply({{"data", {{"findUserBy", {{{"id", kAliceId}, {"email", "alice@acme.io"}, {"name", "A"}}}}}}});
  f.Result("addOrgMember", kAliceId, "added");
  REQUIRE(f.connector.Invite(InviteAction("user", {})).ok());
  const auto sent = Sent(f);
  REQUIRE(sent.size() == 3);
  CHECK(sent[1] == Envelope(docs::kFindUser, "FindUser", {{"email", "alice@acme.io"}}));
  CHECK(sent[2] == Envelope(docs::kAddOrgMember, "AddOrgMember",
                            {{"org", kOrg}, {"userId", kAliceId}, {"role", "user"}}));
}

TEST_CASE("inviting a user found by the listing adds them to the org with the role") {
  OrgFixture f;
  MapIdCache ids;
  ListWith(f, ids, kAliceId);
  Action a = InviteAction("admin", {kG1, kG2});
  a.profile.external_id = "E-1";
  f.Result("addOrgMember", kAliceId, "added");
  f.Result("addGroupMembership", nullptr, nullptr, "already a member");
  f.Result("addGroupMembership", kAliceId, "added");
  REQUIRE(f.connector.Invite(a).ok());
  const auto sent = Sent(f);
  REQUIRE(sent.size() == 3);
  CHECK(sent[0] == Envelope(docs::kAddOrgMember, "AddOrgMember",
                            {{"org", kOrg}, {"userId", kAliceId}, {"role", "admin"}, {"externalId", "E-1"}}));
  CHECK(sent[1] == AddGroup(kAliceId, kG1));
  CHECK(sent[2] == AddGroup(kAliceId, kG2));
}

TEST_CASE("already a member on addOrgMember makes the membership active with the role") {
  OrgFixture f;
  MapIdCache ids;
  ListWith(f, ids, kAliceId);
  f.Result("addOrgMember", nullptr, nullptr, "already a member");
  f.Result("updateMember", kAliceId, "updated");
  REQUIRE(f.connector.Invite(InviteAction("user", {})).ok());
  const auto sent = Sent(f);
  REQUIRE(sent.size() == 2);
  CHECK(sent[1] == Update(kAliceId, "active", "user"));
}

TEST_CASE("grant changes send the role only when it changes or when re-asserting") {
  struct Row {
    const char* name;
    Action action;
    std::vector<json> expected;
  };
  const Row rows[] = {
      {"a role change and a group swap",
       Make(Verb::kGrant, kAliceId, "user", {kG1}, "admin", {kG2}),
       {Update(kAliceId, "active", "admin"), AddGroup(kAliceId, kG2), RemoveGroup(kAliceId, kG1)}},
      {"a group added only", Make(Verb::kGrant, kAliceId, "user", {}, "user", {kG1}),
       {AddGroup(kAliceId, kG1)}},
      {"a group removed only", Make(Verb::kRevoke, kAliceId, "user", {kG1, kG2}, "user", {kG2}),
       {RemoveGroup(kAliceId, kG1)}},
      {"a re-assertion (before = after)", Make(Verb::kGrant, kAliceId, "admin", {kG1}, "admin", {kG1}),
       {Update(kAliceId, "active", "admin")}},
      {"after an adopt (role unread)", Make(Verb::kGrant, kAliceId, std::nullopt, {kG1}, "user", {kG1}),
       {Update(kAliceId, "active", "user")}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    OrgFixture f;
    for (std::size_t i = 0; i < row.expected.size(); ++i) {
      f.Result(row.expected[i]["operationName"] == "UpdateMember"       ? "updateMember"
               : row.expected[i]["operationName"] == "AddGroupMembership" ? "addGroupMembership"
                                                                          : "removeGroupMembership",
               kAliceId, "done");
    }
    REQUIRE(f.connector.ChangeGrants(row.action).ok());
    CHECK(Sent(f) == row.expected);
  }
}

TEST_CASE("removing a group the user is not in is done; adding one to a non-member fails as gone") {
  OrgFixture f;
  f.Result("removeGroupMembership", nullptr, nullptr, "not a member");
  CHECK(f.connector.ChangeGrants(Make(Verb::kRevoke, kAliceId, "user", {kG1}, "user", {})).ok());
  f.Result("addGroupMembership", nullptr, nullptr, "not a member");
  Status failed = f.connector.ChangeGrants(Make(Verb::kGrant, kAliceId, "user", {}, "user", {kG1}));
  // kAborted: a failure, and the executor forgets the membership (orgadmin.md).
  CHECK(failed.code() == StatusCode::kAborted);
  CHECK(failed.message() == std::string("orgadmin fw: change grants of alice@acme.io to group ") + kG1 +
                                ": addGroupMembership returned error: not a member");
}

TEST_CASE("retire sends the last applied role with status retired and keeps groups") {
  OrgFixture f;
  f.Result("updateMember", kAliceId, "updated");
  REQUIRE(f.connector.Retire(Make(Verb::kRetire, kAliceId, "admin", {kG1}, std::nullopt, {})).ok());
  CHECK(Sent(f) == std::vector<json>{Update(kAliceId, "retired", "admin")});
  f.Result("updateMember", nullptr, nullptr, "not a member");
  CHECK(f.connector.Retire(Make(Verb::kRetire, kAliceId, "user", {}, std::nullopt, {})).ok());
}

TEST_CASE("reactivate makes the member active with the desired role and groups") {
  OrgFixture f;
  f.Result("updateMember", kAliceId, "updated");
  f.Result("addGroupMembership", kAliceId, "added");
  REQUIRE(f.connector.Reactivate(Make(Verb::kReactivate, kAliceId, "user", {}, "admin", {kG1})).ok());
  CHECK(Sent(f) == std::vector<json>{Update(kAliceId, "active", "admin"), AddGroup(kAliceId, kG1)});
  f.Result("updateMember", nullptr, nullptr, "not a member");
  Status failed = f.connector.Reactivate(Make(Verb::kReactivate, kAliceId, "user", {}, "user", {}));
  CHECK(failed.code() == StatusCode::kAborted);
}

TEST_CASE("a re-assertion or role change answered not a member fails as gone") {
  OrgFixture f;
  f.Result("updateMember", nullptr, nullptr, "not a member");
  Status failed = f.connector.ChangeGrants(Make(Verb::kGrant, kAliceId, "user", {}, "user", {}));
  CHECK(failed.code() == StatusCode::kAborted);
  CHECK(failed.message() == "orgadmin fw: change grants of alice@acme.io: updateMember returned error: not a member");
}

TEST_CASE("a retire whose role idsync does not know sends nothing and says why") {
  OrgFixture f;
  f.Result("updateMember", kAliceId, "updated");
  Status s = f.connector.Retire(Make(Verb::kRetire, kAliceId, std::nullopt, {kG1}, std::nullopt, {}));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() ==
        "orgadmin fw: retire alice@acme.io: the member's role is not known to idsync (never applied, "
        "and orgadmin cannot read it); updateMember must carry one, and a guess could demote an admin");
  CHECK(f.fake.requests().empty());
}

TEST_CASE("refusals are failures carrying the platform's message") {
  struct Row {
    const char* error;
    StatusCode code;
  };
  for (const Row& row : {Row{"invalid role", StatusCode::kInvalidArgument},
                         Row{"user not found", StatusCode::kNotFound},
                         Row{"something new", StatusCode::kFailedPrecondition}}) {
    CAPTURE(row.error);
    OrgFixture f;
    f.Result("updateMember", nullptr, nullptr, row.error);
    Status s = f.connector.ChangeGrants(Make(Verb::kGrant, kAliceId, "user", {}, "admin", {}));
    CHECK(s.code() == row.code);
    CHECK(s.message() == std::string("orgadmin fw: change grants of alice@acme.io: updateMember returned error: ") +
                             row.error);
  }
}

TEST_CASE("a forbidden org on a mutation is a permission failure") {
  OrgFixture f;
  f.Reply({{"data", nullptr}, {"errors", {{{"message", "forbidden"}, {"path", {"updateMember"}}}}}});
  Status s = f.connector.Retire(Make(Verb::kRetire, kAliceId, "user", {}, std::nullopt, {}));
  CHECK(s.code() == StatusCode::kPermissionDenied);
  CheckNoToken(s);
}

TEST_CASE("remove and update are refused: the platform has no such calls") {
  OrgFixture f;
  CHECK(f.connector.Remove(Make(Verb::kRemove, kAliceId, "user", {}, std::nullopt, {})).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.connector.Update(Make(Verb::kUpdate, kAliceId, "user", {}, "user", {})).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.fake.requests().empty());
}

}  // namespace
}  // namespace idsync
