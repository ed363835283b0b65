// AdaptiveRate on a made-up clock: token bucket spacing, pauses, the first-429
// estimate, AIMD, and SPEC §9's benchmark shape against a simulated server.
#include "connectors/http/rate_control.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <vector>

namespace idsync {
namespace {

using namespace std::chrono_literals;
using Time = AdaptiveRate::Time;

const Time kStart = Time{} + std::chrono::hours(1);

double Seconds(Time from, Time to) { return std::chrono::duration<double>(to - from).count(); }

// Sends `count` requests at `per_second` from `*now`, as fast as the lane allows.
void SendAt(AdaptiveRate& rate, Time& now, int count, double per_second) {
  const auto step = std::chrono::duration_cast<Time::duration>(std::chrono::duration<double>(1.0 / per_second));
  for (int i = 0; i < count; ++i) {
    now = std::max(now, rate.NextSend(now));
    rate.OnSent(now);
    now += step;
  }
}

TEST_CASE("without a limit or a 429 every request may go at once") {
  AdaptiveRate rate;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(rate.NextSend(kStart) == kStart);
    rate.OnSent(kStart);
  }
  CHECK(std::isinf(rate.rate()));
  CHECK_FALSE(rate.throttled_before());
}

TEST_CASE("a configured rate spaces requests by one over the rate") {
  AdaptiveRate rate(10.0);
  Time now = kStart;
  Time last = now;
  for (int i = 0; i < 21; ++i) {
    now = std::max(now, rate.NextSend(now));
    rate.OnSent(now);
    last = now;
  }
  // The first goes at once, the 20 others 100 ms apart.
  CHECK(Seconds(kStart, last) == doctest::Approx(2.0).epsilon(0.01));
}

TEST_CASE("the first 429 pauses the lane for Retry-After and estimates the server's rate") {
  // A server at 100/s with one second of burst, sent to at 400/s: its bucket is empty
  // after 1/3 s, having accepted 133 requests.
  AdaptiveRate rate;
  Time now = kStart;
  SendAt(rate, now, 133, 400.0);
  const Time refused = now;
  rate.OnSent(refused);
  const Time answered = refused + 20ms;
  CHECK_FALSE(rate.OnThrottled(refused, answered, 1000ms));
  CHECK(rate.ceiling() == doctest::Approx(100.0).epsilon(0.02));
  CHECK(rate.rate() == doctest::Approx(95.0).epsilon(0.02));
  CHECK(rate.NextSend(answered) == answered + 1000ms);
  CHECK(rate.NextSend(answered + 1000ms) == answered + 1000ms);

  SUBCASE("429s for requests sent before the decrease only extend the pause") {
    CHECK_FALSE(rate.OnThrottled(refused + 1ms, answered + 5ms, 1000ms));
    CHECK(rate.rate() == doctest::Approx(95.0).epsilon(0.02));
    CHECK(rate.NextSend(answered + 5ms) == answered + 1005ms);
  }
  SUBCASE("a 429 for a request sent after the decrease lowers the ceiling to the rate it was sent at") {
    Time later = answered + 1000ms;
    SendAt(rate, later, 10, 200.0);
    CHECK(rate.OnThrottled(later, later + 20ms, std::nullopt));
    CHECK(rate.ceiling() == doctest::Approx(95.0).epsilon(0.02));
    CHECK(rate.rate() == doctest::Approx(0.85 * 95.0).epsilon(0.02));
    CHECK(rate.NextSend(later + 20ms) == later + 1020ms);  // no Retry-After: 1 s

    // Then it climbs by 2% of the ceiling a second, and stops at 95% of it.
    Time t = later + 1020ms;
    std::vector<double> seen;
    for (int s = 1; s <= 8; ++s) {
      (void)rate.NextSend(t + std::chrono::seconds(s));
      seen.push_back(rate.rate());
    }
    CHECK(seen.at(0) == doctest::Approx(0.85 * 95.0 + 0.02 * 95.0).epsilon(0.01));
    CHECK(seen.at(1) > seen.at(0));
    CHECK(seen.back() == doctest::Approx(0.95 * rate.ceiling()).epsilon(0.001));
  }
}

TEST_CASE("a 429 after too few sends to estimate from only pauses") {
  AdaptiveRate rate;
  Time now = kStart;
  SendAt(rate, now, 3, 400.0);
  CHECK_FALSE(rate.OnThrottled(now, now + 20ms, 1000ms));
  CHECK(std::isinf(rate.ceiling()));
  CHECK(std::isinf(rate.rate()));
  CHECK(rate.throttled_before());
  CHECK(rate.NextSend(now + 20ms) == now + 1020ms);
}

TEST_CASE("a configured limit below the learnt rate is kept, and what was learnt survives a reload") {
  AdaptiveRate rate;
  Time now = kStart;
  SendAt(rate, now, 133, 400.0);
  rate.OnThrottled(now, now + 10ms, 0ms);
  REQUIRE(rate.ceiling() == doctest::Approx(100.0).epsilon(0.02));
  rate.SetLimit(40.0);
  CHECK(rate.rate() == doctest::Approx(40.0));
  rate.SetLimit(std::nullopt);  // a reload without rate_limit: climbs back, not past 95%
  CHECK(rate.rate() == doctest::Approx(40.0));
  (void)rate.NextSend(now + std::chrono::seconds(60));
  CHECK(rate.rate() == doctest::Approx(0.95 * rate.ceiling()));
}

// SPEC §9 in simulated time: `total` requests, 20 ms round trip, 8 in flight, a
// server with a token bucket of 100/s holding one second, refusing with 429 and
// Retry-After: 1. A refused request is queued again at once (the lane holds it).
struct BenchResult {
  double seconds = 0;
  int refused = 0;
  int refused_after_first = 0;
};

BenchResult SimulateBench(std::optional<double> limit, int total) {
  AdaptiveRate rate(limit);
  const auto rtt = 20ms;
  const double server_rate = 100.0;
  double server_tokens = server_rate;
  Time server_time = kStart;
  struct InFlight {
    Time sent, done;
    bool refused;
    bool operator>(const InFlight& o) const { return done > o.done; }
  };
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> flying;
  int queued = total, accepted = 0;
  BenchResult result;
  Time now = kStart;
  while (accepted < total) {
    while (queued > 0 && flying.size() < 8 && rate.NextSend(now) <= now) {
      rate.OnSent(now);
      --queued;
      const Time arrives = now + rtt / 2;
      server_tokens = std::min(server_rate, server_tokens + Seconds(server_time, arrives) * server_rate);
      server_time = arrives;
      const bool refuse = server_tokens < 1.0;
      if (!refuse) server_tokens -= 1.0;
      flying.push({now, now + rtt, refuse});
    }
    Time next = flying.empty() ? Time::max() : flying.top().done;
    if (queued > 0 && flying.size() < 8) next = std::min(next, rate.NextSend(now));
    now = std::max(now, next);
    while (!flying.empty() && flying.top().done <= now) {
      const InFlight done = flying.top();
      flying.pop();
      if (done.refused) {
        ++result.refused;
        if (rate.OnThrottled(done.sent, done.done, 1000ms)) ++result.refused_after_first;
        ++queued;
      } else {
        ++accepted;
      }
    }
  }
  result.seconds = Seconds(kStart, now);
  return result;
}

TEST_CASE("2,000 invites at 100/s finish within 1.15x of 20 s, and nothing sent after the first 429 is refused") {
  const BenchResult adaptive = SimulateBench(std::nullopt, 2000);
  MESSAGE("adaptive: " << adaptive.seconds << " s, " << adaptive.refused << " refused");
  CHECK(adaptive.refused > 0);
  CHECK(adaptive.refused_after_first == 0);
  CHECK(adaptive.seconds <= 23.0);

  const BenchResult configured = SimulateBench(100.0, 2000);
  MESSAGE("rate_limit 100/s: " << configured.seconds << " s");
  CHECK(configured.refused == 0);
  CHECK(configured.seconds <= 23.0);
}

}  // namespace
}  // namespace idsync
