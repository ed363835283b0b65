// A body read as it arrives (HttpRequest::reader, connectors/http/body_stream.h) over
// real sockets on 127.0.0.1: the engine hands it over in pieces and never holds it
// whole, gives back what a reader declines, cuts a body echoing a credential, and a
// transfer cut midway and retried is read again from nothing.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/http/body_stream.h"
#include "connectors/http/engine.h"
#include "connectors/http/retry.h"
#include "scripted_server.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;
using testing::Scripted;
using testing::ScriptedServer;
using testing::StreamLaneOptions;

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
  HttpLane& lane = engine->Lane(StreamLaneOptions());
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
  HttpLane& lane = engine->Lane(StreamLaneOptions());

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
  HttpLane& lane = engine->Lane(StreamLaneOptions());
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
  HttpLane& lane = engine->Lane(StreamLaneOptions());
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

}  // namespace
}  // namespace idsync
