// The fault module alone: config parsing, the seeded draw, the token bucket on a fake
// clock. No sockets.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <variant>

#include <nlohmann/json.hpp>

#include "sim/faults.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using Kind = FaultDecision::Kind;
using std::chrono::milliseconds;

FaultConfig Parse(const json& body) {
  auto parsed = ParseFaultConfig(body);
  if (auto* error = std::get_if<std::string>(&parsed)) FAIL("unexpected error: " << *error);
  return std::get<FaultConfig>(parsed);
}

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  FaultInjector::Clock fn() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("a full fault config is read, and written back as the same config") {
  FaultConfig c = Parse({{"latency_ms", 20},
                         {"latency_jitter_ms", 5},
                         {"error_rate", {{"500", 0.2}, {"503", 0.05}}},
                         {"timeout_rate", 0.05},
                         {"hang_ms", 1500},
                         {"reset_rate", 0.01},
                         {"malformed_rate", 0.02},
                         {"rate_limit", {{"per_second", 100}, {"burst", 10}}},
                         {"after_effect", true},
                         {"seed", 7}});
  CHECK(c.latency_ms == 20);
  CHECK(c.error_rate.at(500) == doctest::Approx(0.2));
  CHECK(c.error_rate.at(503) == doctest::Approx(0.05));
  CHECK(c.hang_ms == 1500);
  REQUIRE(c.rate_limit);
  CHECK(c.rate_limit->burst == 10);
  CHECK(c.after_effect);
  CHECK(c.seed == 7u);
  CHECK(Parse(FaultConfigJson(c)) == c);
  CHECK(Parse(json::object()) == FaultConfig{});
}

TEST_CASE("a rate limit without burst allows one second's worth, at least one request") {
  CHECK(Parse({{"rate_limit", {{"per_second", 50}}}}).rate_limit->burst == 50);
  CHECK(Parse({{"rate_limit", {{"per_second", 0.5}}}}).rate_limit->burst == 1);
}

TEST_CASE("a bad fault config is refused with the key that is wrong") {
  struct Row {
    json body;
    std::string says;
  };
  const Row rows[] = {
      {{{"latency", 5}}, "no key \"latency\""},
      {{{"latency_ms", -1}}, "latency_ms must be"},
      {{{"latency_ms", 1.5}}, "latency_ms must be"},
      {{{"error_rate", {{"200", 0.1}}}}, "\"200\" must be an HTTP status"},
      {{{"error_rate", {{"5xx", 0.1}}}}, "\"5xx\" must be an HTTP status"},
      {{{"error_rate", {{"500", 1.5}}}}, "error_rate.500 must be a probability"},
      {{{"timeout_rate", "0.1"}}, "timeout_rate must be a probability"},
      {{{"error_rate", {{"500", 0.6}}}, {"reset_rate", 0.5}}, "add up to more than 1"},
      {{{"rate_limit", {{"per_second", 0}}}}, "rate_limit.per_second must be a number > 0"},
      {{{"rate_limit", {{"burst", 3}}}}, "rate_limit.per_second is required"},
      {{{"rate_limit", {{"per_second", 5}, {"burst", 0.5}}}}, "burst must be >= 1"},
      {{{"rate_limit", {{"per_second", 5}, {"size", 1}}}}, "rate_limit has no key \"size\""},
      {{{"after_effect", 1}}, "after_effect must be true or false"},
      {{{"seed", -3}}, "seed must be"},
      {json::array(), "faults must be an object"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.body.dump());
    auto parsed = ParseFaultConfig(row.body);
    REQUIRE(std::holds_alternative<std::string>(parsed));
    CHECK(std::get<std::string>(parsed).find(row.says) != std::string::npos);
  }
}

TEST_CASE("with no faults every request passes at once") {
  FaultInjector injector;
  for (int i = 0; i < 100; ++i) {
    FaultDecision d = injector.Decide();
    CHECK(d.kind == Kind::kPass);
    CHECK(d.latency == milliseconds(0));
  }
  CHECK(injector.Counters()["passed"] == 100);
}

TEST_CASE("the same seed draws the same faults, in the proportions configured") {
  FaultConfig c = Parse({{"error_rate", {{"500", 0.2}, {"503", 0.1}}},
                         {"timeout_rate", 0.05},
                         {"reset_rate", 0.05},
                         {"malformed_rate", 0.1},
                         {"seed", 42}});
  FaultInjector a, b;
  a.Set(c);
  b.Set(c);
  std::map<Kind, int> seen;
  std::map<int, int> statuses;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    FaultDecision x = a.Decide(), y = b.Decide();
    REQUIRE(x.kind == y.kind);
    REQUIRE(x.status == y.status);
    ++seen[x.kind];
    if (x.kind == Kind::kError) ++statuses[x.status];
  }
  CHECK(statuses[500] == doctest::Approx(0.2 * n).epsilon(0.08));
  CHECK(statuses[503] == doctest::Approx(0.1 * n).epsilon(0.08));
  CHECK(seen[Kind::kTimeout] == doctest::Approx(0.05 * n).epsilon(0.1));
  CHECK(seen[Kind::kReset] == doctest::Approx(0.05 * n).epsilon(0.1));
  CHECK(seen[Kind::kMalformed] == doctest::Approx(0.1 * n).epsilon(0.08));
  CHECK(seen[Kind::kPass] == doctest::Approx(0.5 * n).epsilon(0.05));

  json counters = a.Counters();
  CHECK(counters["received"] == n);
  CHECK(counters["errors"]["500"] == statuses[500]);
  CHECK(counters["timeouts"] == seen[Kind::kTimeout]);
  CHECK(counters["resets"] == seen[Kind::kReset]);
  CHECK(counters["malformed"] == seen[Kind::kMalformed]);
  CHECK(counters["passed"] == seen[Kind::kPass]);
  a.ResetCounters();
  CHECK(a.Counters()["received"] == 0);
  CHECK(a.Counters()["errors"].empty());
}

TEST_CASE("latency is the fixed part plus a jitter within its bound") {
  FaultInjector injector;
  injector.Set(Parse({{"latency_ms", 20}, {"latency_jitter_ms", 10}, {"seed", 1}}));
  milliseconds low{1000}, high{0};
  for (int i = 0; i < 2000; ++i) {
    milliseconds l = injector.Decide().latency;
    low = std::min(low, l);
    high = std::max(high, l);
  }
  CHECK(low == milliseconds(20));
  CHECK(high == milliseconds(30));
}

TEST_CASE("timeouts hang for hang_ms, and after_effect is carried only by lost-answer faults") {
  FaultInjector injector;
  injector.Set(Parse({{"timeout_rate", 1.0}, {"hang_ms", 700}, {"after_effect", true}}));
  FaultDecision d = injector.Decide();
  CHECK(d.kind == Kind::kTimeout);
  CHECK(d.hang == milliseconds(700));
  CHECK(d.after_effect);
  injector.Set(Parse({{"error_rate", {{"502", 1.0}}}, {"after_effect", true}}));
  d = injector.Decide();
  CHECK(d.kind == Kind::kError);
  CHECK(d.status == 502);
  CHECK_FALSE(d.after_effect);  // an error is always answered before any effect
}

TEST_CASE("the token bucket admits its burst, then 429s with Retry-After until it refills") {
  FakeClock clock;
  FaultInjector injector(clock.fn());
  injector.Set(Parse({{"rate_limit", {{"per_second", 10}, {"burst", 3}}}}));
  for (int i = 0; i < 3; ++i) CHECK(injector.Decide().kind == Kind::kPass);
  FaultDecision refused = injector.Decide();
  CHECK(refused.kind == Kind::kRateLimited);
  CHECK(refused.status == 429);
  CHECK(refused.retry_after_s == 1);  // 100 ms to the next token, rounded up to a whole second
  clock.now += milliseconds(99);
  CHECK(injector.Decide().kind == Kind::kRateLimited);
  clock.now += milliseconds(2);  // 101 ms since the bucket emptied: one token
  CHECK(injector.Decide().kind == Kind::kPass);
  CHECK(injector.Decide().kind == Kind::kRateLimited);
  clock.now += std::chrono::seconds(60);  // refills to the burst, never beyond
  for (int i = 0; i < 3; ++i) CHECK(injector.Decide().kind == Kind::kPass);
  CHECK(injector.Decide().kind == Kind::kRateLimited);
  CHECK(injector.Counters()["rate_limited"] == 4);
  CHECK(injector.Counters()["passed"] == 7);
}

TEST_CASE("429s count as after the first only for requests arriving once it was answered") {
  FakeClock clock;
  FaultInjector injector(clock.fn());
  injector.Set(Parse({{"latency_ms", 20}, {"rate_limit", {{"per_second", 1}, {"burst", 1}}}}));
  CHECK(injector.Decide().kind == Kind::kPass);
  CHECK(injector.Decide().kind == Kind::kRateLimited);  // answered 20 ms from now
  clock.now += milliseconds(10);
  CHECK(injector.Decide().kind == Kind::kRateLimited);  // sent before the client could know
  CHECK(injector.Counters()["rate_limited_after_first"] == 0);
  clock.now += milliseconds(15);
  CHECK(injector.Decide().kind == Kind::kRateLimited);  // sent after the first 429 came back
  CHECK(injector.Counters()["rate_limited_after_first"] == 1);
  CHECK(injector.Counters()["rate_limited"] == 3);
  injector.ResetCounters();
  CHECK(injector.Counters()["rate_limited_after_first"] == 0);
}

TEST_CASE("a slow rate limit asks for the whole wait in Retry-After") {
  FakeClock clock;
  FaultInjector injector(clock.fn());
  injector.Set(Parse({{"rate_limit", {{"per_second", 0.25}, {"burst", 1}}}}));
  CHECK(injector.Decide().kind == Kind::kPass);
  CHECK(injector.Decide().retry_after_s == 4);
  clock.now += milliseconds(2500);
  CHECK(injector.Decide().retry_after_s == 2);  // 1.5 s left, rounded up
}

TEST_CASE("a rate-limited request draws no other fault, so the refusal is all it costs") {
  FakeClock clock;
  FaultInjector injector(clock.fn());
  injector.Set(Parse({{"rate_limit", {{"per_second", 1}, {"burst", 1}}}, {"error_rate", {{"500", 1.0}}}}));
  CHECK(injector.Decide().kind == Kind::kError);
  CHECK(injector.Decide().kind == Kind::kRateLimited);
}

TEST_CASE("Shutdown ends a sleep at once and later sleeps return immediately") {
  FaultInjector injector;
  CHECK(injector.Sleep(milliseconds(1)));
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    injector.Shutdown();
  });
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(injector.Sleep(std::chrono::seconds(30)));
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK_FALSE(injector.Sleep(std::chrono::seconds(30)));
}

}  // namespace idsync::sim
