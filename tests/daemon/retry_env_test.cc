// The retry layer over the process Env (Env::TransportFor, daemon/env.cc) with a fake
// clock: waits go through Env::SleepFor, Retry-After dates are read against
// Env::WallNow and the jitter comes from Env::Uniform. A loopback server in this process
// answers over a real socket; nothing sleeps for real, so each case takes milliseconds.
// (HTTP 500, not 503: the engine's lane pauses on a 503's Retry-After by itself.)
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/env.h"
#include "tests/connectors/http/loopback_server.h"
#include "tests/support/fake_env.h"

namespace idsync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A FakeEnv that also keeps every sleep, in order.
class RecordingEnv : public testing::FakeEnv {
 public:
  using FakeEnv::FakeEnv;
  void SleepFor(milliseconds duration) override {
    {
      std::lock_guard lock(mu_);
      sleeps_.push_back(duration);
    }
    FakeEnv::SleepFor(duration);
  }
  std::vector<milliseconds> sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<milliseconds> sleeps_;
};

// A loopback platform whose answer to the n-th POST (from 1) `answer` writes.
struct Platform {
  explicit Platform(std::function<void(int, httplib::Response&)> answer) {
    server.server().Post("/graphql", [this, answer](const httplib::Request&, httplib::Response& res) {
      answer(++posts, res);
    });
    server.Start();
  }
  // One request through `env`'s transport for this platform: lane, logging, retry.
  StatusOr<HttpResponse> Send(Env& env) {
    PlatformConfig config;
    config.name = "ws";
    config.type = PlatformType::kWorkspace;
    config.url = server.Url("/graphql");
    PlatformTransport transport = env.TransportFor(config);
    HttpRequest request;
    request.method = "POST";
    request.url = config.url;
    request.body = "{}";
    return transport.client->Send(request);
  }
  testing::LoopbackServer server;
  std::atomic<int> posts{0};
};

TEST_CASE("retries back off 1 s, 2 s, 4 s within the budget") {
  Platform platform([](int n, httplib::Response& res) {
    if (n <= 3) {
      res.status = 500;
      res.set_header("Retry-After", std::to_string(1 << (n - 1)));  // 1, 2, 4 seconds
      return;
    }
    res.set_content("{}", "application/json");
  });
  std::unique_ptr<Env> system = SystemEnv();
  RecordingEnv env(*system);
  StatusOr<HttpResponse> out = platform.Send(env);
  REQUIRE(out.ok());
  CHECK(out->status == 200);
  CHECK(platform.posts == 4);
  CHECK(env.sleeps() == std::vector<milliseconds>{seconds(1), seconds(2), seconds(4)});
  CHECK(env.slept() == seconds(7));
}

TEST_CASE("without Retry-After the jitter is the Env's: half of the 0.5 s, 1 s, 2 s, 4 s caps") {
  Platform platform([](int, httplib::Response& res) { res.status = 500; });
  std::unique_ptr<Env> system = SystemEnv();
  RecordingEnv env(*system);  // Uniform() is 0.5 unless scripted
  StatusOr<HttpResponse> out = platform.Send(env);
  REQUIRE(out.ok());
  CHECK(out->status == 500);  // five sends, then the last answer as it came
  CHECK(platform.posts == 5);
  CHECK(env.sleeps() == std::vector<milliseconds>{milliseconds(250), milliseconds(500), milliseconds(1000),
                                                  milliseconds(2000)});
}

TEST_CASE("a wait that would pass the two-minute budget is not taken: the answer comes back as it came") {
  Platform platform([](int, httplib::Response& res) {
    res.status = 500;
    res.set_header("Retry-After", "100");
  });
  std::unique_ptr<Env> system = SystemEnv();
  RecordingEnv env(*system);
  StatusOr<HttpResponse> out = platform.Send(env);
  REQUIRE(out.ok());
  CHECK(out->status == 500);
  CHECK(platform.posts == 2);  // 100 s waited once; another 100 s would pass 120 s
  CHECK(env.sleeps() == std::vector<milliseconds>{seconds(100)});
}

TEST_CASE("a Retry-After date is read against the Env's wall clock") {
  const std::time_t at = 1'700'000'030;  // 30 s after the fake wall clock below
  std::tm tm{};
  gmtime_r(&at, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const std::string retry_after = date;
  Platform platform([retry_after](int n, httplib::Response& res) {
    if (n == 1) {
      res.status = 500;
      res.set_header("Retry-After", retry_after);
      return;
    }
    res.set_content("{}", "application/json");
  });
  std::unique_ptr<Env> system = SystemEnv();  // after the platform: its engine goes first
  RecordingEnv env(*system);
  env.SetWallUnix(1'700'000'000);  // 2023-11-14T22:13:20Z: long past on the real clock
  StatusOr<HttpResponse> out = platform.Send(env);
  REQUIRE(out.ok());
  CHECK(out->status == 200);
  CHECK(env.sleeps() == std::vector<milliseconds>{seconds(30)});
}

}  // namespace
}  // namespace idsync
