// The houston connector's mutations: exact request bodies, order, and how answers
// (already there, already gone, refusals) become a Status.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "connectors/factory.h"
#include "connectors/houston/houston_connector.h"
#include "connectors/houston/houston_documents.h"
#include "tests/connectors/fake_http.h"
#include "tests/connectors/houston/houston_test_util.h"

namespace idsync {
namespace {

using nlohmann::json;
using namespace houston_test;
namespace docs = houston_documents;

Action MakeAction(Verb verb, const char* email, const char* user_id, Grants before, Grants after) {
  Action a;
  a.platform = "astro";
  a.verb = verb;
  a.email = email;
  a.user_id = user_id;
  a.before = std::move(before);
  a.after = std::move(after);
  return a;
}

json Ok(const char* field, json value = json{{"id", "x"}}) { return {{"data", {{field, std::move(value)}}}}; }

TEST_CASE("the documents are the ones houston.md documents, verbatim") {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/houston.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (const char* document :
       {docs::kUsers, docs::kInvites, docs::kWorkspaces, docs::kInviteUser, docs::kWorkspaceAddUser,
        docs::kWorkspaceUpdateUserRole, docs::kWorkspaceRemoveUser, docs::kCreateSystemRoleBinding,
        docs::kDeleteSystemRoleBinding, docs::kRemoveUser, docs::kDeleteInviteToken}) {
    CAPTURE(document);
    CHECK(text.str().find(document) != std::string::npos);
  }
}

TEST_CASE("an invite sends inviteUser for the system role, then workspaceAddUser in id order") {
  Fixture f;
  f.Push(Ok("inviteUser"));
  f.Push(Ok("workspaceAddUser"));
  f.Push(Ok("workspaceAddUser"));
  Grants after{"SYSTEM_EDITOR", {{"ckws2", "WORKSPACE_ADMIN"}, {"ckws1", "WORKSPACE_VIEWER"}}, {}};
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "alice@acme.io", "", {}, after));
  REQUIRE(s.ok());
  REQUIRE(f.fake.requests().size() == 3);
  CHECK(f.Sent(0) == Envelope(docs::kInviteUser, "InviteUser", {{"email", "alice@acme.io"}, {"role", "SYSTEM_EDITOR"}}));
  CHECK(f.Sent(1) == Envelope(docs::kWorkspaceAddUser, "WorkspaceAddUser",
                              {{"workspaceUuid", "ckws1"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_VIEWER"}}));
  CHECK(f.Sent(2) == Envelope(docs::kWorkspaceAddUser, "WorkspaceAddUser",
                              {{"workspaceUuid", "ckws2"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_ADMIN"}}));
  CHECK(f.fake.requests().at(0).headers.back() == std::pair<std::string, std::string>{"Authorization", kKey});
}

TEST_CASE("an invite with only workspaces sends no inviteUser") {
  Fixture f;
  f.Push(Ok("workspaceAddUser"));
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "a@acme.io", "", {}, {std::nullopt, {{"ckws1", "WORKSPACE_EDITOR"}}, {}}));
  REQUIRE(s.ok());
  REQUIRE(f.fake.requests().size() == 1);
  CHECK(f.Sent(0)["operationName"] == "WorkspaceAddUser");
}

TEST_CASE("already a user and already invited count as an invite done") {
  for (const char* code : {"DUPLICATE_EMAIL", "USER_ALREADY_INVITED"}) {
    CAPTURE(code);
    Fixture f;
    f.fake.Push(testing::Answer(200, ErrorJson("inviteUser", "already", code)));
    f.fake.Push(testing::Answer(200, ErrorJson("workspaceAddUser", "already", code)));
    Grants after{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_VIEWER"}}, {}};
    CHECK(f.connector.Invite(MakeAction(Verb::kInvite, "a@acme.io", "", {}, after)).ok());
    CHECK(f.fake.requests().size() == 2);
  }
}

TEST_CASE("a refused invite stops and names platform, user, operation and the server's message") {
  Fixture f;
  f.fake.Push(testing::Answer(200, ErrorJson("inviteUser", "Role must be a system role", "BAD_USER_INPUT")));
  Grants after{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_VIEWER"}}, {}};
  Status s = f.connector.Invite(MakeAction(Verb::kInvite, "a@acme.io", "", {}, after));
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK_FALSE(s.retryable());
  CHECK(s.message() == "houston astro: invite a@acme.io: inviteUser: Role must be a system role (BAD_USER_INPUT)");
  CHECK(f.fake.requests().size() == 1);
}

TEST_CASE("an internal server error on a mutation is retryable; other codes are not") {
  const std::pair<const char*, StatusCode> cases[] = {
      {"INTERNAL_SERVER_ERROR", StatusCode::kUnavailable},
      {"FORBIDDEN", StatusCode::kPermissionDenied},
      {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
      {"SOMETHING_NEW", StatusCode::kFailedPrecondition},
  };
  for (const auto& c : cases) {
    const char* code = c.first;
    const StatusCode status = c.second;
    CAPTURE(code);
    Fixture f;
    f.fake.Push(testing::Answer(200, ErrorJson("removeUser", "no", code)));
    Status s = f.connector.Remove(MakeAction(Verb::kRemove, "a@acme.io", "cku1", {}, {}));
    CHECK(s.code() == status);
    CHECK(s.retryable() == (status == StatusCode::kUnavailable));
  }
}

TEST_CASE("a grant change adds, then changes, then removes, system role last") {
  Fixture f;
  // The listing shows two system bindings: both go when the system role changes.
  json bindings = {SystemBinding("SYSTEM_EDITOR"), SystemBinding("SYSTEM_VIEWER"),
                   WorkspaceBinding("WORKSPACE_VIEWER", "ckws1"), WorkspaceBinding("WORKSPACE_ADMIN", "ckws3")};
  f.PushListing(json::array(), json::array({UserJson("cku1", "alice@acme.io", bindings)}), json::array());
  REQUIRE(f.connector.List({}).ok());
  f.Push(Ok("workspaceAddUser"));
  f.Push(Ok("createSystemRoleBinding", {{"id", "rb"}, {"role", "SYSTEM_ADMIN"}}));
  f.Push({{"data", {{"workspaceUpdateUserRole", "WORKSPACE_EDITOR"}}}});
  f.Push(Ok("workspaceRemoveUser"));
  f.Push(Ok("deleteSystemRoleBinding", {{"id", "rb1"}, {"role", "SYSTEM_EDITOR"}}));
  f.fake.Push(testing::Answer(200, ErrorJson("deleteSystemRoleBinding", "gone", "RESOURCE_NOT_FOUND")));
  Grants before{"SYSTEM_EDITOR", {{"ckws1", "WORKSPACE_VIEWER"}, {"ckws3", "WORKSPACE_ADMIN"}}, {}};
  Grants after{"SYSTEM_ADMIN", {{"ckws1", "WORKSPACE_EDITOR"}, {"ckws2", "WORKSPACE_VIEWER"}}, {}};
  Status s = f.connector.ChangeGrants(MakeAction(Verb::kGrant, "alice@acme.io", "cku1", before, after));
  REQUIRE(s.ok());
  REQUIRE(f.fake.requests().size() == 9);
  CHECK(f.Sent(3) == Envelope(docs::kWorkspaceAddUser, "WorkspaceAddUser",
                              {{"workspaceUuid", "ckws2"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_VIEWER"}}));
  CHECK(f.Sent(4) == Envelope(docs::kCreateSystemRoleBinding, "CreateSystemRoleBinding",
                              {{"userId", "cku1"}, {"role", "SYSTEM_ADMIN"}}));
  CHECK(f.Sent(5) == Envelope(docs::kWorkspaceUpdateUserRole, "WorkspaceUpdateUserRole",
                              {{"workspaceUuid", "ckws1"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_EDITOR"}}));
  CHECK(f.Sent(6) == Envelope(docs::kWorkspaceRemoveUser, "WorkspaceRemoveUser",
                              {{"workspaceUuid", "ckws3"}, {"userUuid", "cku1"}}));
  CHECK(f.Sent(7) == Envelope(docs::kDeleteSystemRoleBinding, "DeleteSystemRoleBinding",
                              {{"userId", "cku1"}, {"role", "SYSTEM_EDITOR"}}));
  CHECK(f.Sent(8) == Envelope(docs::kDeleteSystemRoleBinding, "DeleteSystemRoleBinding",
                              {{"userId", "cku1"}, {"role", "SYSTEM_VIEWER"}}));
}

TEST_CASE("a grant change that keeps the system role sends no system mutation") {
  Fixture f;
  f.Push({{"data", {{"workspaceUpdateUserRole", "WORKSPACE_ADMIN"}}}});
  Grants before{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_VIEWER"}}, {}};
  Grants after{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_ADMIN"}}, {}};
  REQUIRE(f.connector.ChangeGrants(MakeAction(Verb::kGrant, "a@acme.io", "cku1", before, after)).ok());
  REQUIRE(f.fake.requests().size() == 1);
  CHECK(f.Sent(0)["operationName"] == "WorkspaceUpdateUserRole");
}

TEST_CASE("dropping the last SYSTEM_ADMIN fails with the server's message") {
  Fixture f;
  f.fake.Push(testing::Answer(200, ErrorJson("deleteSystemRoleBinding", "Cannot remove the last system admin", "FORBIDDEN")));
  Status s = f.connector.ChangeGrants(
      MakeAction(Verb::kRevoke, "a@acme.io", "cku1", {"SYSTEM_ADMIN", {{"ckws1", "WORKSPACE_VIEWER"}}, {}},
                 {std::nullopt, {{"ckws1", "WORKSPACE_VIEWER"}}, {}}));
  CHECK(s.code() == StatusCode::kPermissionDenied);
  CHECK(s.message() ==
        "houston astro: change grants of a@acme.io: deleteSystemRoleBinding SYSTEM_ADMIN: "
        "Cannot remove the last system admin (FORBIDDEN)");
}

TEST_CASE("a grant change on a pending person is refused without a request") {
  Fixture f;
  Status s = f.connector.ChangeGrants(MakeAction(Verb::kGrant, "a@acme.io", "", {}, {"SYSTEM_VIEWER", {}, {}}));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(f.fake.requests().empty());
}

TEST_CASE("retire deletes every grant and keeps the account; gone counts as done") {
  Fixture f;
  f.Push(Ok("deleteSystemRoleBinding", {{"id", "rb"}, {"role", "SYSTEM_VIEWER"}}));
  f.fake.Push(testing::Answer(200, ErrorJson("workspaceRemoveUser", "not a member", "RESOURCE_NOT_FOUND")));
  f.Push(Ok("workspaceRemoveUser"));
  Grants before{"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_VIEWER"}, {"ckws2", "WORKSPACE_EDITOR"}}, {}};
  REQUIRE(f.connector.Retire(MakeAction(Verb::kRetire, "a@acme.io", "cku1", before, {})).ok());
  REQUIRE(f.fake.requests().size() == 3);
  CHECK(f.Sent(0) == Envelope(docs::kDeleteSystemRoleBinding, "DeleteSystemRoleBinding",
                              {{"userId", "cku1"}, {"role", "SYSTEM_VIEWER"}}));
  CHECK(f.Sent(1) == Envelope(docs::kWorkspaceRemoveUser, "WorkspaceRemoveUser",
                              {{"workspaceUuid", "ckws1"}, {"userUuid", "cku1"}}));
  CHECK(f.Sent(2)["variables"] == json{{"workspaceUuid", "ckws2"}, {"userUuid", "cku1"}});
}

TEST_CASE("retiring or removing a pending person deletes each of its invitations") {
  for (Verb verb : {Verb::kRetire, Verb::kRemove}) {
    CAPTURE(verb == Verb::kRetire);
    Fixture f;
    f.PushListing(json::array(), json::array(),
                  {InviteJson("inv1", "carol@acme.io", "SYSTEM_VIEWER", nullptr),
                   InviteJson("inv2", "carol@acme.io", "WORKSPACE_VIEWER", "ckws1")});
    REQUIRE(f.connector.List({}).ok());
    f.Push(Ok("deleteInviteToken"));
    f.fake.Push(testing::Answer(200, ErrorJson("deleteInviteToken", "no such invite", "RESOURCE_NOT_FOUND")));
    Action a = MakeAction(verb, "carol@acme.io", "", {"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_VIEWER"}}, {}}, {});
    Status s = verb == Verb::kRetire ? f.connector.Retire(a) : f.connector.Remove(a);
    REQUIRE(s.ok());
    REQUIRE(f.fake.requests().size() == 5);
    CHECK(f.Sent(3) == Envelope(docs::kDeleteInviteToken, "DeleteInviteToken", {{"inviteUuid", "inv1"}}));
    CHECK(f.Sent(4) == Envelope(docs::kDeleteInviteToken, "DeleteInviteToken", {{"inviteUuid", "inv2"}}));
  }
}

TEST_CASE("a pending person the last listing did not see is looked up with Invites") {
  Fixture f;
  f.Push({{"data", {{"invites", {InviteJson("inv9", "Dan@acme.io", "SYSTEM_VIEWER", nullptr),
                                 InviteJson("inv8", "eve@acme.io", "SYSTEM_VIEWER", nullptr)}}}}});
  f.Push(Ok("deleteInviteToken"));
  REQUIRE(f.connector.Remove(MakeAction(Verb::kRemove, "dan@acme.io", "", {"SYSTEM_VIEWER", {}, {}}, {})).ok());
  REQUIRE(f.fake.requests().size() == 2);
  CHECK(f.Sent(0) == Envelope(docs::kInvites, "Invites", json::object()));
  CHECK(f.Sent(1)["variables"] == json{{"inviteUuid", "inv9"}});
}

TEST_CASE("remove sends removeUser; already gone is done; the last admin is refused") {
  Fixture f;
  f.Push(Ok("removeUser"));
  REQUIRE(f.connector.Remove(MakeAction(Verb::kRemove, "a@acme.io", "cku1", {"SYSTEM_VIEWER", {}, {}}, {})).ok());
  CHECK(f.Sent(0) == Envelope(docs::kRemoveUser, "RemoveUser", {{"userUuid", "cku1"}}));
  f.fake.Push(testing::Answer(200, ErrorJson("removeUser", "User not found", "RESOURCE_NOT_FOUND")));
  CHECK(f.connector.Remove(MakeAction(Verb::kRemove, "a@acme.io", "cku1", {}, {})).ok());
  f.fake.Push(testing::Answer(200, ErrorJson("removeUser", "At least one system admin must remain", "FORBIDDEN")));
  Status s = f.connector.Remove(MakeAction(Verb::kRemove, "root@acme.io", "cku0", {"SYSTEM_ADMIN", {}, {}}, {}));
  CHECK(s.code() == StatusCode::kPermissionDenied);
  CHECK(s.message() == "houston astro: remove root@acme.io: removeUser: At least one system admin must remain (FORBIDDEN)");
}

TEST_CASE("reactivate grants the desired roles again") {
  Fixture f;
  f.Push(Ok("workspaceAddUser"));
  f.Push(Ok("createSystemRoleBinding", {{"id", "rb"}, {"role", "SYSTEM_VIEWER"}}));
  Status s = f.connector.Reactivate(
      MakeAction(Verb::kReactivate, "a@acme.io", "cku1", {}, {"SYSTEM_VIEWER", {{"ckws1", "WORKSPACE_EDITOR"}}, {}}));
  REQUIRE(s.ok());
  REQUIRE(f.fake.requests().size() == 2);
  CHECK(f.Sent(0)["operationName"] == "WorkspaceAddUser");
  CHECK(f.Sent(1) == Envelope(docs::kCreateSystemRoleBinding, "CreateSystemRoleBinding",
                              {{"userId", "cku1"}, {"role", "SYSTEM_VIEWER"}}));
}

TEST_CASE("an api key echoed by the server never reaches a Status") {
  Fixture f;
  f.fake.Push(testing::Answer(200, ErrorJson("removeUser", std::string("bad key ") + kKey, "FORBIDDEN")));
  Status s = f.connector.Remove(MakeAction(Verb::kRemove, "a@acme.io", "cku1", {}, {}));
  CHECK(s.message().find(kKey) == std::string::npos);
  CHECK(s.message().find("(redacted)") != std::string::npos);
}

TEST_CASE("the factory builds a houston connector with the api key read through the callback") {
  testing::FakeHttpClient fake;
  PlatformConfig config;
  config.name = "astro";
  config.type = PlatformType::kHouston;
  config.url = kUrl;
  std::vector<std::string> asked;
  SecretReader secrets = [&](const PlatformConfig& c, const std::string& key) -> StatusOr<std::string> {
    asked.push_back(c.name + "/" + key);
    return std::string("k-123");
  };
  StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(config, secrets, {&fake});
  REQUIRE(connector.ok());
  CHECK(asked == std::vector<std::string>{"astro/api_key"});
  CHECK((*connector)->type() == PlatformType::kHouston);
  fake.Push(testing::Answer(200, ErrorJson("workspaces", "nope", "UNAUTHENTICATED")));
  CHECK((*connector)->List({}).status().code() == StatusCode::kUnauthenticated);
  CHECK(fake.requests().at(0).headers.back() == std::pair<std::string, std::string>{"Authorization", "k-123"});
}

}  // namespace
}  // namespace idsync
