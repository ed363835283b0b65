// The engine over real sockets on 127.0.0.1: round trips and error mapping, many
// callers at once, and each lane's concurrency cap, token bucket, 429 pause and AIMD
// as the server sees them. Bounds are loose on purpose: this runs on a busy 2-core box.
#include "connectors/http/engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "connectors/http/retry.h"
#include "loopback_server.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;
using Clock = std::chrono::steady_clock;

// Requests the server is handling right now, and the most at once.
struct InFlightMeter {
  std::atomic<int> now{0};
  std::atomic<int> most{0};
  void Enter() {
    const int current = ++now;
    int seen = most.load();
    while (current > seen && !most.compare_exchange_weak(seen, current)) {
    }
  }
  void Leave() { --now; }
};

// Runs `threads` threads, each calling `body(thread index)`.
template <typename Body>
void InParallel(int threads, Body body) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) running.emplace_back([&body, t] { body(t); });
  for (std::thread& t : running) t.join();
}

LaneOptions Options(const std::string& name, int concurrency = 8) {
  LaneOptions options;
  options.name = name;
  options.concurrency = concurrency;
  options.transfer.connect_timeout = 2s;
  options.transfer.timeout = 5s;
  return options;
}

TEST_CASE("a lane round-trips GET and POST, sends the headers, and returns any HTTP answer") {
  LoopbackServer loopback;
  loopback.server().Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Seen-Agent", req.get_header_value("User-Agent"));
    res.set_header("X-Seen-Custom", req.get_header_value("X-Custom"));
    res.set_content("hello", "text/plain");
  });
  loopback.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_content(req.body, req.get_header_value("Content-Type").c_str());
  });
  loopback.server().Put("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.method + " " + req.body, "text/plain");
  });
  loopback.Start();
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options("plain"));

  HttpRequest get;
  get.url = loopback.Url("/hello");
  get.headers = {{"X-Custom", "yes"}};
  StatusOr<HttpResponse> hello = lane.Send(get);
  REQUIRE(hello.ok());
  CHECK(hello->status == 200);
  CHECK(hello->body == "hello");
  CHECK(hello->Header("x-seen-agent") == DefaultUserAgent());
  CHECK(hello->Header("X-Seen-Custom") == "yes");
  CHECK(DefaultUserAgent().starts_with("idsync/"));

  HttpRequest post;
  post.method = "POST";
  post.url = loopback.Url("/echo");
  post.headers = {{"Content-Type", "application/json"}};
  post.body = R"({"query":"q"})";
  StatusOr<HttpResponse> echo = lane.Send(post);
  REQUIRE(echo.ok());
  CHECK(echo->status == 201);
  CHECK(echo->body == post.body);
  CHECK(echo->Header("Content-Type") == "application/json");

  HttpRequest put = post;
  put.method = "PUT";
  StatusOr<HttpResponse> echoed = lane.Send(put);
  REQUIRE(echoed.ok());
  CHECK(echoed->body == "PUT " + post.body);

  HttpRequest missing;
  missing.url = loopback.Url("/nowhere");
  StatusOr<HttpResponse> not_found = lane.Send(missing);
  REQUIRE(not_found.ok());  // an HTTP answer is not a transport failure
  CHECK(not_found->status == 404);

  HttpRequest ftp;
  ftp.url = "ftp://127.0.0.1/file";
  CHECK(lane.Send(ftp).status().code() == StatusCode::kInvalidArgument);

  CHECK(lane.Stats().sent == 5);
  engine.reset();
}

TEST_CASE("a transfer past its timeout is kDeadlineExceeded, a refused connection kUnavailable") {
  LoopbackServer loopback;
  loopback.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(600ms);
    res.set_content("late", "text/plain");
  });
  loopback.Start();
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options("timeouts"));

  HttpRequest slow;
  slow.url = loopback.Url("/slow");
  slow.timeout = 200ms;
  const auto start = Clock::now();
  StatusOr<HttpResponse> late = lane.Send(slow);
  CHECK(Clock::now() - start < 550ms);
  CHECK(late.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(late.status().message().starts_with("GET " + loopback.Url("/slow") + ": timed out after 200ms"));

  const std::string refused_url = loopback.Url("/slow");
  engine.reset();  // closes its kept-alive connections, so the server stops at once
  loopback.Stop();
  HttpEngine fresh;
  HttpRequest refused;
  refused.url = refused_url;
  StatusOr<HttpResponse> down = fresh.Lane(Options("refused")).Send(refused);
  CHECK(down.status().code() == StatusCode::kUnavailable);
  CHECK(down.status().message().starts_with("GET " + refused_url + ": "));
}

TEST_CASE("many threads share a lane, and the server never sees more than its concurrency") {
  InFlightMeter meter;
  std::atomic<int> handled{0};
  LoopbackServer loopback;
  loopback.server().Get("/work", [&](const httplib::Request& req, httplib::Response& res) {
    meter.Enter();
    std::this_thread::sleep_for(20ms);
    ++handled;
    res.set_content(req.get_param_value("n"), "text/plain");
    meter.Leave();
  });
  loopback.Start();
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options("capped", 3));

  std::atomic<int> right{0};
  InParallel(12, [&](int t) {
    for (int i = 0; i < 4; ++i) {
      HttpRequest request;
      const std::string n = std::to_string(t * 100 + i);
      request.url = loopback.Url("/work?n=" + n);
      StatusOr<HttpResponse> answer = lane.Send(request);
      if (answer.ok() && answer->body == n) ++right;
    }
  });
  CHECK(right == 48);
  CHECK(handled == 48);
  CHECK(meter.most <= 3);
  CHECK(meter.most >= 2);  // 12 callers did reach the cap, so it is what held them
  CHECK(lane.Stats().max_in_flight == 3);
  CHECK(lane.Stats().sent == 48);
  engine.reset();
}

TEST_CASE("a lane's rate limit spaces its requests") {
  std::mutex mu;
  std::vector<Clock::time_point> arrivals;
  LoopbackServer loopback;
  loopback.server().Get("/tick", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu);
    arrivals.push_back(Clock::now());
    res.set_content("ok", "text/plain");
  });
  loopback.Start();
  auto engine = std::make_unique<HttpEngine>();
  LaneOptions options = Options("limited", 8);
  options.rate_limit = 20.0;  // one every 50 ms
  HttpLane& lane = engine->Lane(options);

  const auto start = Clock::now();
  InParallel(4, [&](int) {
    for (int i = 0; i < 4; ++i) {
      HttpRequest request;
      request.url = loopback.Url("/tick");
      CHECK(lane.Send(request).ok());
    }
  });
  const auto took = Clock::now() - start;
  // 16 requests at 20/s: the first at once, 15 gaps of 50 ms.
  CHECK(took >= 700ms);
  CHECK(took < 5s);
  REQUIRE(arrivals.size() == 16);
  // In any 300 ms the server saw at most 6 + 2 (burst and scheduling slack).
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    const auto in_window = std::count_if(arrivals.begin(), arrivals.end(), [&](Clock::time_point t) {
      return t >= arrivals[i] && t < arrivals[i] + 300ms;
    });
    CHECK(in_window <= 8);
  }
  engine.reset();
}

TEST_CASE("a 429 with Retry-After pauses the whole lane, queued requests included") {
  std::mutex mu;
  std::vector<Clock::time_point> arrivals;
  Clock::time_point refused_at;
  LoopbackServer loopback;
  loopback.server().Get("/once", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu);
    arrivals.push_back(Clock::now());
    if (arrivals.size() == 1) {
      refused_at = arrivals.back();
      res.status = 429;
      res.set_header("Retry-After", "1");
      return;
    }
    res.set_content("ok", "text/plain");
  });
  loopback.Start();
  auto engine = std::make_unique<HttpEngine>();
  HttpLane& lane = engine->Lane(Options("paused", 4));

  HttpRequest request;
  request.url = loopback.Url("/once");
  StatusOr<HttpResponse> first = lane.Send(request);
  REQUIRE(first.ok());
  CHECK(first->status == 429);
  InParallel(3, [&](int) { CHECK(lane.Send(request).ok()); });
  REQUIRE(arrivals.size() == 4);
  for (std::size_t i = 1; i < arrivals.size(); ++i) CHECK(arrivals[i] - refused_at >= 900ms);
  const LaneStats stats = lane.Stats();
  CHECK(stats.throttled == 1);
  CHECK(stats.throttled_after_first == 0);
  CHECK(stats.ceiling == std::numeric_limits<double>::infinity());  // one send: nothing learnt
  engine.reset();
}

// What SPEC §9 assumes of a platform: a token bucket of `rate`/s holding one second's
// worth, refusing with 429 and a Retry-After of 1 s or less once empty.
class ServerLimiter {
 public:
  explicit ServerLimiter(double rate) : rate_(rate), tokens_(rate), at_(Clock::now()) {}
  bool Admit() {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    tokens_ = std::min(rate_, tokens_ + std::chrono::duration<double>(now - at_).count() * rate_);
    at_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  std::mutex mu_;
  const double rate_;
  double tokens_;
  Clock::time_point at_;
};

TEST_CASE("against a server's token bucket, no request sent after the first 429 is refused") {
  // Each sends more than the server's burst, so its bucket does run dry. The server's
  // rate is low enough (50/s) that a client slowed down by a busy machine or by TSan
  // still outruns it.
  struct Case {
    const char* name;
    std::optional<double> rate_limit;
    int per_thread;
    const char* retry_after;
  };
  for (const Case& c : {Case{"adaptive", std::nullopt, 25, "1"},
                        // No pause: the lane must still let what is in flight drain.
                        Case{"adaptive, Retry-After: 0", std::nullopt, 25, "0"},
                        Case{"configured at the server's rate", 50.0, 15, "1"}}) {
    CAPTURE(c.name);
    ServerLimiter limiter(50.0);
    std::atomic<int> accepted{0}, refused{0};
    LoopbackServer loopback;
    loopback.server().Post("/invite", [&](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(5ms);
      if (!limiter.Admit()) {
        ++refused;
        res.status = 429;
        res.set_header("Retry-After", c.retry_after);
        return;
      }
      ++accepted;
      res.set_content("{}", "application/json");
    });
    loopback.Start();
    auto engine = std::make_unique<HttpEngine>();
    LaneOptions options = Options(c.name, 8);
    options.rate_limit = c.rate_limit;
    HttpLane& lane = engine->Lane(options);
    // Real waits: the lane's pauses and the retries' backoff interleave here.
    RetryingHttpClient retrying(lane, RetryPolicy{}, Backoff(),
                                [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); },
                                [] { return std::chrono::system_clock::now(); });

    std::atomic<int> ok{0};
    InParallel(8, [&](int) {
      for (int i = 0; i < c.per_thread; ++i) {
        HttpRequest request;
        request.method = "POST";
        request.url = loopback.Url("/invite");
        StatusOr<HttpResponse> answer = retrying.Send(request);
        if (answer.ok() && answer->status == 200) ++ok;
      }
    });
    const LaneStats stats = lane.Stats();
    CHECK(ok == 8 * c.per_thread);
    CHECK(accepted == 8 * c.per_thread);
    CHECK(stats.throttled == static_cast<std::uint64_t>(refused.load()));
    CHECK(stats.throttled_after_first == 0);
    if (c.rate_limit) {
      CHECK(refused == 0);
    } else {
      CHECK(refused >= 1);
      CHECK(refused <= 8);  // only those in flight when the first 429 came back
      CHECK(stats.ceiling == doctest::Approx(50.0).epsilon(0.25));
    }
    engine.reset();
  }
}

}  // namespace
}  // namespace idsync
