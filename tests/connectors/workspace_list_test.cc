// The workspace listing's reading of odd and malformed listUsers answers, pinned
// message by message: the listing is read without a DOM of the whole answer, and
// every failure and warning must stay the one the DOM reading gave.
#include "connectors/workspace/workspace_connector.h"
#include "connectors/workspace/workspace_list.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "fake_http.h"

namespace idsync {
namespace {

using testing::Answer;

const std::string kUid(64, 'a');

// Lists once over a fake answering `status` with `body`; `log` receives the warnings.
StatusOr<LiveState> ListOnce(int status, const std::string& body, std::string* log = nullptr) {
  testing::FakeHttpClient fake;
  fake.Push(Answer(status, body));
  WorkspaceConnector connector("ws", "https://ws.example/graphql", {"k", "s"}, fake);
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  capture->set_pattern("%l %v");
  spdlog::set_default_logger(capture);
  StatusOr<LiveState> live = connector.List({});
  spdlog::set_default_logger(previous);
  if (log) *log = out.str();
  return live;
}

// Usable, with members the listing skips, a repeated email, an entry without an email,
// null and mistyped optional members, and invitedUsers before activeUsers.
std::string OddAnswer() {
  return std::string(R"({"extensions":{"cost":[1,{"a":null}]},"data":{"listUsers":{)") +
                           R"("invitedUsers":[{"email":"Both@acme.io","accountType":"ANALYST","inviteStatus":"SENT","x":{"y":[1]}},)" +
                           R"({"email":"gone@acme.io","accountType":"ANALYST","inviteStatus":"EXPIRED"},)" +
                           R"({"email":"gone@acme.io","accountType":"ADMIN","inviteStatus":"ACTIVE"},)" +
                           R"({"email":null,"accountType":"ANALYST","inviteStatus":"SENT"}],)" +
                           R"("extra":[true,false,1.5,-2],"ok":true,)" + R"("activeUsers":[{"uid":")" + kUid +
                           R"(","email":"both@acme.io","name":{"first":"B"},"accountType":"DEVELOPER","more":[]},)" +
                           R"({"uid":null,"email":" Nameless@Acme.io","name":"N","accountType":null,"name":7}]},)" +
                           R"("other":"ignored"},"errors":[]})";
}

struct FailureRow {
  const char* name;
  int status;
  const char* body;
  StatusCode code;
  const char* message;
};

const FailureRow kFailures[] = {
    {"a user's uid is a number", 200,
     R"({"data":{"listUsers":{"ok":true,"activeUsers":[{"uid":1}],"invitedUsers":[]}}})", StatusCode::kInternal,
     R"(workspace ws: list users: unexpected listUsers answer: [json.exception.type_error.302] type must be string, but is number)"},
    {"invitedUsers is missing", 200, R"({"data":{"listUsers":{"ok":true,"activeUsers":[]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.out_of_range.403] key 'invitedUsers' not found)"},
    {"activeUsers is missing", 200, R"({"data":{"listUsers":{"ok":true,"invitedUsers":[]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.out_of_range.403] key 'activeUsers' not found)"},
    {"ok is missing", 200, R"({"data":{"listUsers":{"activeUsers":[],"invitedUsers":[]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.out_of_range.403] key 'ok' not found)"},
    {"ok is a string", 200, R"({"data":{"listUsers":{"ok":"yes","activeUsers":[],"invitedUsers":[]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.type_error.302] type must be boolean, but is string)"},
    {"ok: false with the server's reason", 200,
     R"({"data":{"listUsers":{"ok":false,"activeUsers":[],"invitedUsers":[]}},"errors":[{"message":"workspace suspended"}]})",
     StatusCode::kFailedPrecondition, R"(workspace ws: list users: listUsers returned ok: false: workspace suspended)"},
    {"a GraphQL error and no data", 200,
     R"({"data":null,"errors":[{"message":"Not allowed","extensions":{"code":"FORBIDDEN"}}]})",
     StatusCode::kPermissionDenied, R"(workspace ws: list users: Not allowed (FORBIDDEN))"},
    {"data without listUsers", 200, R"({"data":{"other":1}})", StatusCode::kInternal, R"(workspace ws: list users: answer has no listUsers)"},
    {"listUsers is a list", 200, R"({"data":{"listUsers":[]}})", StatusCode::kInternal, R"(workspace ws: list users: answer has no listUsers)"},
    {"an entry is not an object", 200,
     R"({"data":{"listUsers":{"ok":true,"activeUsers":[7],"invitedUsers":[]}}})", StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.type_error.304] cannot use at() with number)"},
    {"activeUsers is an object", 200,
     R"({"data":{"listUsers":{"ok":true,"activeUsers":{"uid":"x"},"invitedUsers":[]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.type_error.304] cannot use at() with string)"},
    {"an invitation without accountType", 200,
     R"({"data":{"listUsers":{"ok":true,"activeUsers":[],"invitedUsers":[{"email":"a@b.c","inviteStatus":"SENT"}]}}})",
     StatusCode::kInternal, R"(workspace ws: list users: unexpected listUsers answer: [json.exception.out_of_range.403] key 'accountType' not found)"},
    {"the body is cut short", 200, R"({"data":{"listUsers":{"ok":true,"activeUsers":[)", StatusCode::kInternal,
     R"(workspace ws: list users: HTTP 200, answer is not a JSON object: {"data":{"listUsers":{"ok":true,"activeUsers":[)"},
    {"the body is a list", 200, "[]", StatusCode::kInternal, R"(workspace ws: list users: HTTP 200, answer is not a JSON object: [])"},
    {"an HTML 502", 502, "<html>Bad Gateway</html>", StatusCode::kUnavailable, R"(workspace ws: list users: HTTP 502, answer is not a JSON object: <html>Bad Gateway</html>)"},
    {"a 500 with a JSON body and no errors", 500, R"({"data":null})", StatusCode::kUnavailable, R"(workspace ws: list users: HTTP 500: {"data":null})"},
};

TEST_CASE("a listUsers answer the listing cannot use fails with the message it always gave") {
  for (const FailureRow& row : kFailures) {
    CAPTURE(row.name);
    const Status status = ListOnce(row.status, row.body).status();
    CHECK(status.code() == row.code);
    CHECK(status.message() == row.message);
  }
}

TEST_CASE("odd but usable listUsers answers are read as they always were") {
  std::string log;
  const std::string body = OddAnswer();
  StatusOr<LiveState> live = ListOnce(200, body, &log);
  REQUIRE(live.ok());
  CHECK(live->users.size() == 3);
  const LiveUser& both = live->users.at("both@acme.io");
  CHECK(both.status == LiveStatus::kActive);
  CHECK(both.id == kUid);
  CHECK(both.raw_status == "active");
  CHECK(both.grants.single == "DEVELOPER");
  CHECK_FALSE(both.name.has_value());
  const LiveUser& gone = live->users.at("gone@acme.io");
  CHECK(gone.status == LiveStatus::kPending);
  CHECK(gone.raw_status == "ACTIVE");
  CHECK(gone.grants.single == "ADMIN");
  const LiveUser& nameless = live->users.at("nameless@acme.io");
  CHECK(nameless.id.empty());
  CHECK(nameless.grants.single == "");
  CHECK_FALSE(nameless.name.has_value());
  CHECK(log ==
        "warning workspace ws: both@acme.io is listed twice (active and SENT); keeping the active entry\n"
        "warning workspace ws: gone@acme.io is listed twice (EXPIRED and ACTIVE); keeping the ACTIVE entry\n"
        "warning workspace ws: listUsers returned an entry without an email; ignored\n");
}

// Runs `read` with spdlog's default logger writing "level message" lines into the result.
template <typename Read>
std::string Logged(Read read) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  capture->set_pattern("%l %v");
  spdlog::set_default_logger(capture);
  read();
  spdlog::set_default_logger(previous);
  return out.str();
}

TEST_CASE("the usual and the odd answer are read without a DOM; every failure is left to the DOM reading") {
  const std::string usual = std::string(R"({"data":{"listUsers":{"ok":true,"activeUsers":[{"uid":")") + kUid +
                            R"(","email":"a@acme.io","name":"A","accountType":"ADMIN"}],)" +
                            R"("invitedUsers":[{"email":"b@acme.io","accountType":"ANALYST","inviteStatus":"SENT"}]}}})";
  LiveState live;
  REQUIRE(workspace_list::ReadListUsersFast(usual, "ws", &live));
  REQUIRE(live.users.size() == 2);
  CHECK(live.users.at("a@acme.io").id == kUid);
  CHECK(live.users.at("a@acme.io").name == "A");
  CHECK(live.users.at("b@acme.io").raw_status == "SENT");

  LiveState odd;
  REQUIRE(workspace_list::ReadListUsersFast(OddAnswer(), "ws", &odd));
  CHECK(odd.users.size() == 3);

  for (const FailureRow& row : kFailures) {
    CAPTURE(row.name);
    LiveState ignored;
    std::string log = Logged([&] { CHECK_FALSE(workspace_list::ReadListUsersFast(row.body, "ws", &ignored)); });
    CHECK(log.empty());  // a declined answer is the DOM reading's to report
  }
}

TEST_CASE("read straight into the state, a listing gives ToLiveState's users and warnings, in order") {
  // Actives listed twice (case aside) and without an email, before and after others;
  // an invitation of an active user and one with an unknown status.
  const std::string body =
      R"({"data":{"listUsers":{"ok":true,"activeUsers":[)"
      R"({"uid":"1","email":"a@x.io","name":"A","accountType":"ADMIN"},)"
      R"({"uid":"2","email":" A@X.io","name":null,"accountType":"DEVELOPER"},)"
      R"({"uid":"3","email":null,"name":"N","accountType":"ADMIN"},)"
      R"({"uid":"4","email":"B@x.io","name":"B","accountType":"ANALYST"},)"
      R"({"uid":"5","email":"a@x.io","name":"A2","accountType":"ANALYST"}],)"
      R"("invitedUsers":[{"email":"b@x.io","accountType":"ADMIN","inviteStatus":"SENT"},)"
      R"({"email":"c@x.io","accountType":"ADMIN","inviteStatus":"WEIRD"}]}}})";
  auto entry = [](const char* uid, const char* email, std::optional<std::string> name, const char* type) {
    workspace_list::Entry e;
    e.uid = uid;
    e.email = email;
    e.name = std::move(name);
    e.account_type = type;
    return e;
  };
  workspace_list::Entries entries;
  entries.active = {entry("1", "a@x.io", "A", "ADMIN"), entry("2", " A@X.io", std::nullopt, "DEVELOPER"),
                    entry("3", "", "N", "ADMIN"), entry("4", "B@x.io", "B", "ANALYST"),
                    entry("5", "a@x.io", "A2", "ANALYST")};
  entries.invited = {entry("", "b@x.io", std::nullopt, "ADMIN"), entry("", "c@x.io", std::nullopt, "ADMIN")};
  entries.invited[0].invite_status = "SENT";
  entries.invited[1].invite_status = "WEIRD";

  LiveState expected, fast;
  const std::string expected_log = Logged([&] { expected = workspace_list::ToLiveState("ws", entries); });
  std::string fast_log;
  fast_log = Logged([&] { CHECK(workspace_list::ReadListUsersFast(body, "ws", &fast)); });
  CHECK(fast.users == expected.users);
  CHECK(fast.complete == expected.complete);
  CHECK(fast_log == expected_log);
  CHECK(fast.users.at("a@x.io").id == "1");  // the first of the actives listed thrice
  CHECK(fast.users.at("b@x.io").status == LiveStatus::kActive);
  CHECK(fast.users.at("c@x.io").status == LiveStatus::kPending);
  CHECK(expected_log ==
        "warning workspace ws: a@x.io is listed twice (active and active); keeping the active entry\n"
        "warning workspace ws: listUsers returned an entry without an email; ignored\n"
        "warning workspace ws: a@x.io is listed twice (active and active); keeping the active entry\n"
        "warning workspace ws: b@x.io is listed twice (active and SENT); keeping the active entry\n"
        "warning workspace ws: c@x.io: unknown inviteStatus \"WEIRD\" treated as pending\n");
}

}  // namespace
}  // namespace idsync
