// A body read as it arrives (HttpRequest::reader, connectors/http/body_stream.h) over
// real sockets on 127.0.0.1: the engine hands it over in pieces and never holds it
// whole, gives back what a reader declines, and a transfer cut midway and retried is
// read again from nothing. Then the workspace listing over it: the same live state,
// and every failure message the held answer gave, for answers large and small.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "../fake_http.h"
#include "connectors/http/body_stream.h"
#include "connectors/http/engine.h"
#include "connectors/http/retry.h"
#include "connectors/workspace/workspace_connector.h"
#include "connectors/workspace/workspace_list.h"
#include "loopback_server.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;

// One scripted answer: sent in pieces of `piece` bytes; after `cut_at` bytes (when not
// 0) the connection is dropped without the rest.
struct Scripted {
  int status = 200;
  std::string body;
  std::size_t piece = 1000;
  std::size_t cut_at = 0;
  // Called before the connection is dropped (the client must have read some first:
  // data unread when the connection goes may be lost with it).
  std::function<void()> before_cut;
};

// A server answering POST /graphql from a script, and counting what it wrote.
class ScriptedServer {
 public:
  ScriptedServer() {
    loopback_.server().Post("/graphql", [this](const httplib::Request&, httplib::Response& res) {
      Scripted next;
      {
        std::lock_guard lock(mu_);
        ++requests_;
        if (!script_.empty()) {
          next = std::move(script_.front());
          script_.pop_front();
        }
      }
      res.status = next.status;
      auto answer = std::make_shared<Scripted>(std::move(next));
      // A type httplib does not compress: a compressor holds bytes back, and a test
      // that drops the connection needs them on their way to the client.
      res.set_chunked_content_provider("application/graphql-response+json", [this, answer](std::size_t offset, httplib::DataSink& sink) {
        const Scripted& a = *answer;
        if (a.cut_at != 0 && offset >= a.cut_at) {
          if (a.before_cut) a.before_cut();
          return false;  // drops the connection
        }
        if (offset >= a.body.size()) {
          sink.done();
          return true;
        }
        const std::size_t n = std::min(a.piece, a.body.size() - offset);
        const bool written = sink.write(a.body.data() + offset, n);
        written_ += n;
        cv_.notify_all();
        return written;
      });
    });
    loopback_.Start();
  }
  void Push(Scripted answer) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(answer));
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Waits (10 s at most) until the server has written at least `bytes`.
  bool WaitWritten(std::size_t bytes) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return written_.load() >= bytes; });
  }
  std::string Url() const { return loopback_.Url("/graphql"); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Scripted> script_;
  int requests_ = 0;
  std::atomic<std::size_t> written_{0};
  LoopbackServer loopback_;
};

LaneOptions Options() {
  LaneOptions options;
  options.name = "ws";
  options.transfer.connect_timeout = 5s;
  options.transfer.timeout = 30s;
  return options;
}

// Keeps what it reads; declines after `decline_after` bytes when set; before reading,
// waits for `before` (when set).
struct KeepingReader : BodyReader {
  std::string read;
  int calls = 0;
  std::size_t decline_after = 0;
  std::function<void()> before;
  std::function<void(std::size_t)> progress;  // bytes read so far, after each piece
  bool Read(BodySource& body) override {
    ++calls;
    read.clear();
    if (before) before();
    for (std::string_view chunk = body.Next(); !chunk.empty(); chunk = body.Next()) {
      read.append(chunk);
      if (progress) progress(read.size());
      if (decline_after != 0 && read.size() >= decline_after) return false;
    }
    return !body.Cut();
  }
};

std::string Pattern(std::size_t size) {
  std::string out;
  out.reserve(size);
  for (std::size_t i = 0; out.size() < size; ++i) out += std::to_string(i) + ",";
  out.resize(size);
  return out;
}

HttpRequest Post(const std::string& url, BodyReader* reader) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = "{}";
  request.headers = {{"X-API-KEY", "key-0123456789"}};
  request.reader = reader;
  return request;
}

TEST_CASE("a 2xx body is read as it arrives, paused while the reader is behind, never held whole") {
  ScriptedServer server;
  const std::string body = Pattern(6 << 20);
  server.Push({200, body, 4096, 0, nullptr});
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options());
  KeepingReader reader;
  // The reader starts only once the server wrote more than the engine may hold (4 + 1
  // chunks of at most 80 kB):
  // the engine must have paused the transfer.
  reader.before = [&] { CHECK(server.WaitWritten(768 << 10)); };
  StatusOr<HttpResponse> response = lane.Send(Post(server.Url(), &reader));
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body_read);
  CHECK(response->body.empty());
  CHECK(response->body_bytes == body.size());
  CHECK(reader.read == body);
  const LaneStats stats = lane.Stats();
  CHECK(stats.streamed == 1);
  CHECK(stats.max_body_held > 0);
  CHECK(stats.max_body_held <= kMaxBodyGivenBack + 6 * BodyStream::kChunk);
  engine.reset();
}

TEST_CASE("a declined body comes back whole when small, is marked dropped when large") {
  ScriptedServer server;
  const std::string small = Pattern(300'000), large = Pattern(3 << 20);
  server.Push({200, small, 777, 0, nullptr});
  server.Push({200, large, 5000, 0, nullptr});
  server.Push({500, small, 1000, 0, nullptr});
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options());

  KeepingReader reader;
  reader.decline_after = 1;
  StatusOr<HttpResponse> given_back = lane.Send(Post(server.Url(), &reader));
  REQUIRE(given_back.ok());
  CHECK_FALSE(given_back->body_read);
  CHECK_FALSE(given_back->body_dropped);
  CHECK(given_back->body == small);

  StatusOr<HttpResponse> dropped = lane.Send(Post(server.Url(), &reader));
  REQUIRE(dropped.ok());
  CHECK(dropped->body_dropped);
  CHECK(dropped->body.empty());
  CHECK(dropped->body_bytes == large.size());

  // Not 2xx: held as without a reader, which is never called.
  reader.calls = 0;
  StatusOr<HttpResponse> failed = lane.Send(Post(server.Url(), &reader));
  REQUIRE(failed.ok());
  CHECK(failed->status == 500);
  CHECK(failed->body == small);
  CHECK(reader.calls == 0);
  engine.reset();
}

TEST_CASE("a credential split across two chunks still cuts the body for the reader") {
  BodyStream stream({"key-0123456789"}, [] {});
  stream.Begin();
  std::string first = Pattern(BodyStream::kChunk - 7) + "key-012";
  REQUIRE(stream.Offer(first));
  REQUIRE(stream.Offer("3456789, and more"));
  stream.End();
  REQUIRE(stream.WaitBegin());
  CHECK(stream.Next() == first);
  CHECK_FALSE(stream.Cut());
  CHECK(stream.Next().empty());  // the chunk that completes the key is not handed out
  CHECK(stream.Cut());
  stream.Drain();
  CHECK(stream.TakeBody() == first + "3456789, and more");
}

TEST_CASE("a body echoing a credential is cut for the reader and given back for scrubbing") {
  ScriptedServer server;
  const std::string body = Pattern(200'000) + "key-0123456789" + Pattern(1000);
  server.Push({200, body, 4096, 0, nullptr});
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options());
  KeepingReader reader;
  StatusOr<HttpResponse> response = lane.Send(Post(server.Url(), &reader));
  REQUIRE(response.ok());
  CHECK_FALSE(response->body_read);
  CHECK(response->body == body);
  CHECK(reader.read.find("key-0123456789") == std::string::npos);
  engine.reset();
}

TEST_CASE("a transfer cut midway fails, and its retry is read again from nothing") {
  ScriptedServer server;
  const std::string body = Pattern(2 << 20);
  // The reader reads the first answer in part before the server drops it.
  std::mutex mu;
  std::condition_variable cv;
  std::size_t first_read = 0;
  server.Push({200, body, 4096, 1 << 20, [&] {
                 std::unique_lock lock(mu);
                 CHECK(cv.wait_for(lock, 10s, [&] { return first_read >= (256 << 10); }));
               }});
  server.Push({200, body, 4096, 0, nullptr});
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options());
  RetryingHttpClient retrying(lane, RetryPolicy{}, Backoff([] { return 0.0; }),
                              [](std::chrono::milliseconds) {}, [] { return std::chrono::system_clock::now(); });
  KeepingReader reader;
  reader.progress = [&](std::size_t bytes) {
    std::lock_guard lock(mu);
    if (reader.calls == 1) first_read = bytes;
    cv.notify_all();
  };
  StatusOr<HttpResponse> response = retrying.Send(Post(server.Url(), &reader));
  REQUIRE(response.ok());
  CHECK(response->body_read);
  CHECK(reader.calls == 2);
  CHECK(reader.read == body);
  CHECK(server.requests() == 2);
  engine.reset();
}

// ---- the workspace listing over it ----

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
        lane(engine->Lane(Options())),
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
  HttpLane& lane = engine->Lane(Options());
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
