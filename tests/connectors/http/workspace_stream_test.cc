// The workspace listing read as it arrives over real sockets on 127.0.0.1: the same
// live state as the held reading, one clean listing after a transfer cut midway, and
// every failure message the held answer gave, for answers large and small.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "../fake_http.h"
#include "connectors/http/engine.h"
#include "connectors/http/retry.h"
#include "connectors/workspace/workspace_connector.h"
#include "scripted_server.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedServer;
using testing::StreamLaneOptions;

std::string Listing(int users) {
  std::string out = R"({"data":{"listUsers":{"ok":true,"activeUsers":[)";
  for (int i = 0; i < users; ++i) {
    if (i > 0) out += ',';
    out += R"({"uid":"u)" + std::to_string(i) + R"(","email":"User.)" + std::to_string(i) +
           R"(@Example.com","name":"User number )" + std::to_string(i) + R"(","accountType":"MEMBER"})";
  }
  out += R"(],"invitedUsers":[{"email":"new@example.com","accountType":"ADMIN","inviteStatus":"SENT"},)";
  out += R"({"email":"user.7@example.com","accountType":"ADMIN","inviteStatus":"EXPIRED"}]}}})";
  return out;
}

struct Stack {
  explicit Stack(const std::string& url)
      : engine(std::make_unique<HttpEngine>()),
        lane(engine->Lane(StreamLaneOptions())),
        retrying(lane, RetryPolicy{}, Backoff([] { return 0.0; }), [](std::chrono::milliseconds) {},
                 [] { return std::chrono::system_clock::now(); }),
        connector("ws", url, {"key-0123456789", "secret-0123456789"}, retrying) {}
  std::unique_ptr<HttpEngine> engine;
  HttpLane& lane;
  RetryingHttpClient retrying;
  WorkspaceConnector connector;
};

// The listing as the held reading gives it.
StatusOr<LiveState> Held(int status, const std::string& body) {
  testing::FakeHttpClient fake;
  fake.Push(testing::Answer(status, body));
  WorkspaceConnector connector("ws", "https://ws.example/graphql", {"k", "s"}, fake);
  return connector.List({});
}

TEST_CASE("a listing sent in many small pieces gives exactly the held reading's live state") {
  const std::string body = Listing(40'000);
  REQUIRE(body.size() > 3 * kMaxBodyGivenBack);
  StatusOr<LiveState> expected = Held(200, body);
  REQUIRE(expected.ok());
  ScriptedServer server;
  server.Push({200, body, 997, 0, nullptr});
  Stack stack(server.Url());
  StatusOr<LiveState> live = stack.connector.List({});
  REQUIRE(live.ok());
  CHECK(live->users.size() == 40'001);
  CHECK(live->users == expected->users);
  const LaneStats stats = stack.lane.Stats();
  CHECK(stats.streamed == 1);
  CHECK(stats.max_body_held < body.size() / 2);
  CHECK(server.requests() == 1);
}

// Passes each request to `inner` with its reader wrapped, reporting the bytes it read.
class ProgressClient : public HttpClient {
 public:
  ProgressClient(HttpClient& inner, std::function<void(std::size_t)> progress)
      : inner_(inner), progress_(std::move(progress)) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    HttpRequest wrapped = request;
    Wrapper wrapper(request.reader, progress_);
    if (request.reader != nullptr) wrapped.reader = &wrapper;
    return inner_.Send(wrapped);
  }

 private:
  struct Wrapper : BodyReader, BodySource {
    Wrapper(BodyReader* r, std::function<void(std::size_t)>& p) : reader(r), progress(p) {}
    bool Read(BodySource& body) override {
      source = &body;
      bytes = 0;
      return reader->Read(*this);
    }
    std::string_view Next() override {
      const std::string_view chunk = source->Next();
      bytes += chunk.size();
      progress(bytes);
      return chunk;
    }
    bool Cut() const override { return source->Cut(); }
    BodyReader* reader;
    std::function<void(std::size_t)>& progress;
    BodySource* source = nullptr;
    std::size_t bytes = 0;
  };
  HttpClient& inner_;
  std::function<void(std::size_t)> progress_;
};

TEST_CASE("a listing cut midway and retried gives one clean listing") {
  const std::string body = Listing(40'000);
  StatusOr<LiveState> expected = Held(200, body);
  REQUIRE(expected.ok());
  ScriptedServer server;
  // The first answer is dropped once the listing has read a quarter of it.
  std::mutex mu;
  std::condition_variable cv;
  std::size_t most_read = 0;
  server.Push({200, body, 4096, body.size() / 2, [&] {
                 std::unique_lock lock(mu);
                 CHECK(cv.wait_for(lock, 10s, [&] { return most_read >= body.size() / 4; }));
               }});
  server.Push({200, body, 4096, 0, nullptr});
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(StreamLaneOptions());
  RetryingHttpClient retrying(lane, RetryPolicy{}, Backoff([] { return 0.0; }), [](std::chrono::milliseconds) {},
                              [] { return std::chrono::system_clock::now(); });
  ProgressClient progress(retrying, [&](std::size_t bytes) {
    std::lock_guard lock(mu);
    most_read = std::max(most_read, bytes);
    cv.notify_all();
  });
  WorkspaceConnector connector("ws", server.Url(), {"key-0123456789", "secret-0123456789"}, progress);
  StatusOr<LiveState> live = connector.List({});
  REQUIRE(live.ok());
  CHECK(live->users == expected->users);
  CHECK(server.requests() == 2);
  CHECK(lane.Stats().streamed == 2);
}

// Large answers of every failing kind give the held reading's message: a body that is
// no JSON from its head, one of another shape from a second answer held whole.
TEST_CASE("a large listing that fails, fails with the message the held answer gives") {
  const std::string pad = R"({"padding":")" + std::string(3 << 20, 'x') + R"(",)";
  const std::string tail_bad = Listing(100).substr(0, 300);  // cut JSON
  struct Row {
    const char* name;
    int status;
    std::string body;
    int requests;
  };
  const Row rows[] = {
      {"cut short", 200, Listing(30'000).substr(0, 2'500'000), 1},
      {"padded and cut short", 200, pad + tail_bad.substr(1), 1},
      {"an entry of the wrong type", 200, pad + R"("data":{"listUsers":{"ok":true,"activeUsers":[{"uid":1}],"invitedUsers":[]}}})", 2},
      {"a GraphQL error", 200, pad + R"("data":null,"errors":[{"message":"Not allowed","extensions":{"code":"FORBIDDEN"}}]})", 2},
      {"ok: false", 200, pad + R"("data":{"listUsers":{"ok":false,"activeUsers":[],"invitedUsers":[]}},"errors":[{"message":"suspended"}]})", 2},
      {"small, a GraphQL error", 200, R"({"data":null,"errors":[{"message":"Not allowed","extensions":{"code":"FORBIDDEN"}}]})", 1},
      {"a 502", 502, "<html>Bad Gateway " + std::string(2 << 20, ' ') + "</html>", 5},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    const Status expected = Held(row.status, row.body).status();
    REQUIRE_FALSE(expected.ok());
    ScriptedServer server;
    for (int i = 0; i < row.requests; ++i) server.Push({row.status, row.body, 65'536, 0, nullptr});
    Stack stack(server.Url());
    const Status status = stack.connector.List({}).status();
    CHECK(status.code() == expected.code());
    CHECK(status.message() == expected.message());
    CHECK(server.requests() == row.requests);
  }
}

}  // namespace
}  // namespace idsync
