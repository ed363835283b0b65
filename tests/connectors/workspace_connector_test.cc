#include "connectors/workspace/workspace_connector.h"
#include "connectors/guarded_connector.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "fake_http.h"

namespace idsync {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::FakeHttpClient;
namespace docs = workspace_documents;

constexpr const char* kUrl = "https://ws.example/graphql";
constexpr const char* kKey = "key-0f9a";
constexpr const char* kSecret = "secret-77b1";
const std::string kUid(64, 'a');

struct Fixture {
  FakeHttpClient fake;
  // Built as MakeConnector builds it: wrapped, so refusals and scrubbing are tested too.
  GuardedConnector connector{std::make_unique<WorkspaceConnector>("ws", kUrl, WorkspaceCredentials{kKey, kSecret}, fake),
                             "ws", {kKey, kSecret}};

  json SentBody(std::size_t i) const { return json::parse(fake.requests().at(i).body); }
};

json Envelope(const char* query, const char* operation, json variables) {
  return json{{"query", query}, {"operationName", operation}, {"variables", std::move(variables)}};
}

std::string ListAnswer(json active, json invited, bool ok = true) {
  return json{{"data",
               {{"listUsers",
                 {{"ok", ok}, {"activeUsers", std::move(active)}, {"invitedUsers", std::move(invited)}}}}}}
      .dump();
}

std::string OkAnswer(const char* field, bool ok, const char* message = nullptr) {
  json answer = {{"data", {{field, {{"ok", ok}}}}}};
  if (message) answer["errors"] = {{{"message", message}, {"path", {field}}}};
  return answer.dump();
}

Action MakeAction(Verb verb, std::string email, std::string uid, const char* after) {
  Action a;
  a.platform = "ws";
  a.verb = verb;
  a.email = std::move(email);
  a.user_id = std::move(uid);
  if (after) a.after.single = after;
  return a;
}

void CheckNoCredentials(const Status& status) {
  CAPTURE(status.message());
  CHECK(status.message().find(kKey) == std::string::npos);
  CHECK(status.message().find(kSecret) == std::string::npos);
}

TEST_CASE("the documents are the ones workspace.md documents, verbatim") {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/workspace.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (const char* document : {docs::kListUsers, docs::kInviteUser, docs::kUpdateUserAccountType,
                               docs::kDisableUser}) {
    CAPTURE(document);
    CHECK(text.str().find(document) != std::string::npos);
  }
}

TEST_CASE("listing sends ListUsers with both API headers and reads every kind of entry") {
  Fixture f;
  f.fake.Push(Answer(200, ListAnswer(
      {{{"uid", kUid}, {"email", "Alice@Acme.io "}, {"name", "Alice"}, {"accountType", "DEVELOPER"}},
       {{"uid", std::string(64, 'b')}, {"email", "bob@acme.io"}, {"name", nullptr},
        {"accountType", "ADMIN"}}},
      {{{"email", "sent@acme.io"}, {"accountType", "ANALYST"}, {"inviteStatus", "SENT"}},
       {{"email", "active@acme.io"}, {"accountType", "BUSINESS"}, {"inviteStatus", "ACTIVE"}},
       {{"email", "old@acme.io"}, {"accountType", "DEVELOPER"}, {"inviteStatus", "EXPIRED"}},
       {{"email", "odd@acme.io"}, {"accountType", "DEVELOPER"}, {"inviteStatus", "QUEUED"}}})));

  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  StatusOr<LiveState> live = f.connector.List({});
  spdlog::set_default_logger(previous);

  REQUIRE(live.ok());
  REQUIRE(f.fake.requests().size() == 1);
  const HttpRequest sent = f.fake.requests()[0];
  CHECK(sent.method == "POST");
  CHECK(sent.url == kUrl);
  CHECK(sent.headers == HttpHeaders{{"Content-Type", "application/json"},
                                    {"Accept", "application/json"},
                                    {"X-API-KEY", kKey},
                                    {"X-API-SECRET", kSecret}});
  CHECK(f.SentBody(0) == Envelope(docs::kListUsers, "ListUsers", json::object()));

  CHECK(live->complete);
  CHECK(live->users.size() == 6);
  const LiveUser& alice = live->users.at("alice@acme.io");
  CHECK(alice.id == kUid);
  CHECK(alice.status == LiveStatus::kActive);
  CHECK(alice.grants.single == "DEVELOPER");
  CHECK(alice.grants.set.empty());
  CHECK(alice.grants.scoped.empty());
  CHECK(alice.name == "Alice");
  CHECK_FALSE(live->users.at("bob@acme.io").name.has_value());

  struct Row {
    const char* email;
    LiveStatus status;
    const char* raw;
    const char* type;
  };
  const Row invitations[] = {{"sent@acme.io", LiveStatus::kPending, "SENT", "ANALYST"},
                             {"active@acme.io", LiveStatus::kPending, "ACTIVE", "BUSINESS"},
                             {"old@acme.io", LiveStatus::kExpired, "EXPIRED", "DEVELOPER"},
                             {"odd@acme.io", LiveStatus::kPending, "QUEUED", "DEVELOPER"}};
  for (const Row& row : invitations) {
    CAPTURE(row.email);
    const LiveUser& user = live->users.at(row.email);
    CHECK(user.id.empty());
    CHECK(user.status == row.status);
    CHECK(user.raw_status == row.raw);
    CHECK(user.grants.single == row.type);
  }
  CHECK(log.str().find("workspace ws: odd@acme.io: unknown inviteStatus \"QUEUED\" treated as pending") !=
        std::string::npos);
  CHECK(log.str().find("sent@acme.io") == std::string::npos);
}

TEST_CASE("listUsers answering ok: false is a failure") {
  Fixture f;
  f.fake.Push(Answer(200, ListAnswer(json::array(), json::array(), /*ok=*/false)));
  const Status status = f.connector.List({}).status();
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message() == "workspace ws: list users: listUsers returned ok: false");
}

TEST_CASE("a 401 is unauthenticated and carries the server's message, never the credentials") {
  Fixture f;
  f.fake.Push(Answer(401, R"({"errors":[{"message":"invalid API key or secret"}]})"));
  const Status status = f.connector.List({}).status();
  CHECK(status.code() == StatusCode::kUnauthenticated);
  CHECK(status.message() == "workspace ws: list users: invalid API key or secret (HTTP 401)");
  CheckNoCredentials(status);
}

TEST_CASE("credentials an API echoes back are scrubbed from every failure") {
  Fixture f;
  f.fake.Push(Answer(401, std::string(R"({"errors":[{"message":"bad key )") + kKey + " with secret " +
                              kSecret + R"("}]})"));
  f.fake.Push(Answer(200, OkAnswer("inviteUser", false, (std::string("key ") + kKey).c_str())));
  f.fake.Push(Answer(200, ListAnswer(json::array(), json::array())));
  const Status list = f.connector.List({}).status();
  CHECK(list.message() == "workspace ws: list users: bad key (redacted) with secret (redacted) (HTTP 401)");
  const Status invite = f.connector.Invite(MakeAction(Verb::kInvite, "c@acme.io", "", "ANALYST"));
  CHECK(invite.message() == "workspace ws: invite c@acme.io: inviteUser returned ok: false: key (redacted)");
  CheckNoCredentials(list);
  CheckNoCredentials(invite);
}

TEST_CASE("a malformed listing is an internal failure, not a crash") {
  Fixture f;
  f.fake.Push(Answer(200, R"({"data":{"listUsers":{"ok":true,"activeUsers":[{"uid":1}]}}})"));
  const Status status = f.connector.List({}).status();
  CHECK(status.code() == StatusCode::kInternal);
  CHECK(status.message().starts_with("workspace ws: list users: unexpected listUsers answer"));
}

TEST_CASE("invite and reinvite send inviteUser with the desired account type") {
  for (Verb verb : {Verb::kInvite, Verb::kReinvite}) {
    Fixture f;
    f.fake.Push(Answer(200, OkAnswer("inviteUser", true)));
    CHECK(f.connector.Invite(MakeAction(verb, "carol@acme.io", "", "ANALYST")).ok());
    REQUIRE(f.fake.requests().size() == 1);
    CHECK(f.SentBody(0) == Envelope(docs::kInviteUser, "InviteUser",
                                    {{"email", "carol@acme.io"}, {"accountType", "ANALYST"}}));
    CHECK(f.fake.requests()[0].headers.size() == 4);
  }
}

TEST_CASE("an invite refused because the email is already there is done") {
  for (const char* status : {"SENT", "ACTIVE"}) {
    CAPTURE(status);
    Fixture f;
    f.fake.Push(Answer(200, OkAnswer("inviteUser", false)));
    f.fake.Push(Answer(200, ListAnswer(json::array(), {{{"email", "carol@acme.io"},
                                                        {"accountType", "ANALYST"},
                                                        {"inviteStatus", status}}})));
    CHECK(f.connector.Invite(MakeAction(Verb::kInvite, "carol@acme.io", "", "ANALYST")).ok());
    REQUIRE(f.fake.requests().size() == 2);
    CHECK(f.SentBody(1)["operationName"] == "ListUsers");
  }
  Fixture signed_up;
  signed_up.fake.Push(Answer(200, OkAnswer("inviteUser", false)));
  signed_up.fake.Push(Answer(200, ListAnswer({{{"uid", kUid}, {"email", "carol@acme.io"},
                                               {"name", "C"}, {"accountType", "ADMIN"}}},
                                             json::array())));
  CHECK(signed_up.connector.Invite(MakeAction(Verb::kInvite, "carol@acme.io", "", "ANALYST")).ok());
}

TEST_CASE("an invite refused while the email is absent or expired fails with the server's message") {
  Fixture f;
  f.fake.Push(Answer(200, OkAnswer("inviteUser", false, "domain not allowed")));
  f.fake.Push(Answer(200, ListAnswer(json::array(), json::array())));
  const Status status = f.connector.Invite(MakeAction(Verb::kInvite, "carol@acme.io", "", "ANALYST"));
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message() ==
        "workspace ws: invite carol@acme.io: inviteUser returned ok: false: domain not allowed");
  CheckNoCredentials(status);

  Fixture expired;
  expired.fake.Push(Answer(200, OkAnswer("inviteUser", false)));
  expired.fake.Push(Answer(200, ListAnswer(json::array(), {{{"email", "carol@acme.io"},
                                                            {"accountType", "ANALYST"},
                                                            {"inviteStatus", "EXPIRED"}}})));
  CHECK(expired.connector.Invite(MakeAction(Verb::kReinvite, "carol@acme.io", "", "ANALYST")).message() ==
        "workspace ws: invite carol@acme.io: inviteUser returned ok: false");
}

TEST_CASE("an invite refused and then unlistable reports both") {
  Fixture f;
  f.fake.Push(Answer(200, OkAnswer("inviteUser", false)));
  f.fake.Push(Answer(503, "<html>busy</html>"));
  const Status status = f.connector.Invite(MakeAction(Verb::kInvite, "carol@acme.io", "", "ANALYST"));
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message() ==
        "workspace ws: invite carol@acme.io: inviteUser returned ok: false; listing again failed: "
        "workspace ws: list users: HTTP 503, answer is not a JSON object: <html>busy</html>");
}

TEST_CASE("a GraphQL error on invite fails with its code") {
  Fixture f;
  f.fake.Push(Answer(400, R"({"errors":[{"message":"Variable \"$accountType\" got invalid value",
    "extensions":{"code":"BAD_USER_INPUT"}}]})"));
  const Status status = f.connector.Invite(MakeAction(Verb::kInvite, "carol@acme.io", "", "CHIEF"));
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(status.message() == "workspace ws: invite carol@acme.io: inviteUser: Variable \"$accountType\" "
                            "got invalid value (BAD_USER_INPUT)");
  CHECK(f.fake.requests().size() == 1);
}

TEST_CASE("changing grants sends updateUserAccountType for the uid") {
  Fixture f;
  f.fake.Push(Answer(200, OkAnswer("updateUserAccountType", true)));
  CHECK(f.connector.ChangeGrants(MakeAction(Verb::kGrant, "alice@acme.io", kUid, "ADMIN")).ok());
  CHECK(f.SentBody(0) == Envelope(docs::kUpdateUserAccountType, "UpdateUserAccountType",
                                  {{"uid", kUid}, {"accountType", "ADMIN"}}));

  Fixture refused;
  refused.fake.Push(Answer(200, OkAnswer("updateUserAccountType", false, "cannot demote the owner")));
  refused.fake.Push(Answer(200, ListAnswer({{{"uid", kUid}, {"email", "alice@acme.io"},
                                             {"name", "A"}, {"accountType", "ADMIN"}}},
                                           json::array())));
  CHECK(refused.connector.ChangeGrants(MakeAction(Verb::kRevoke, "alice@acme.io", kUid, "BUSINESS"))
            .message() == "workspace ws: change account type of alice@acme.io: updateUserAccountType "
                          "returned ok: false: cannot demote the owner");

  Fixture already;
  already.fake.Push(Answer(200, OkAnswer("updateUserAccountType", false)));
  already.fake.Push(Answer(200, ListAnswer({{{"uid", kUid}, {"email", "alice@acme.io"},
                                             {"name", "A"}, {"accountType", "ADMIN"}}},
                                           json::array())));
  CHECK(already.connector.ChangeGrants(MakeAction(Verb::kGrant, "alice@acme.io", kUid, "ADMIN")).ok());
}

TEST_CASE("retiring sends disableUser for the uid; a user no longer listed is done") {
  Fixture f;
  f.fake.Push(Answer(200, OkAnswer("disableUser", true)));
  CHECK(f.connector.Retire(MakeAction(Verb::kRetire, "alice@acme.io", kUid, nullptr)).ok());
  CHECK(f.SentBody(0) == Envelope(docs::kDisableUser, "DisableUser", {{"uid", kUid}}));

  Fixture gone;
  gone.fake.Push(Answer(200, OkAnswer("disableUser", false)));
  gone.fake.Push(Answer(200, ListAnswer(json::array(), json::array())));
  CHECK(gone.connector.Retire(MakeAction(Verb::kRetire, "alice@acme.io", kUid, nullptr)).ok());

  Fixture still;
  still.fake.Push(Answer(200, OkAnswer("disableUser", false, "last admin")));
  still.fake.Push(Answer(200, ListAnswer({{{"uid", kUid}, {"email", "alice@acme.io"},
                                           {"name", "A"}, {"accountType", "ADMIN"}}},
                                         json::array())));
  CHECK(still.connector.Retire(MakeAction(Verb::kRetire, "alice@acme.io", kUid, nullptr)).message() ==
        "workspace ws: disable alice@acme.io: disableUser returned ok: false: last admin");
}

TEST_CASE("what the platform cannot do is refused without a request") {
  Fixture f;
  const Action a = MakeAction(Verb::kRemove, "alice@acme.io", kUid, nullptr);
  CHECK(f.connector.Remove(a) ==
        FailedPrecondition("workspace ws: remove alice@acme.io: not supported by the workspace platform"));
  CHECK(f.connector.Reactivate(a).code() == StatusCode::kFailedPrecondition);
  CHECK(f.connector.Update(a).code() == StatusCode::kFailedPrecondition);
  CHECK(f.connector.ChangeGrants(MakeAction(Verb::kGrant, "p@acme.io", "", "ADMIN")).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.fake.requests().empty());
  CHECK(f.connector.type() == PlatformType::kWorkspace);
  CHECK(f.connector.capabilities().retire);
}

}  // namespace
}  // namespace idsync
