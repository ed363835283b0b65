// Retrying as a decorator (STYLE: google-cloud-cpp's retry_policy + backoff_policy +
// rest_retry_loop with an injectable sleeper). Every idsync request is safe to repeat
// (journal first, "already there" is success), so every method is retried.
//
// What retries: a retryable transport failure (Status::retryable(): timeouts,
// connection errors), HTTP 429 and 5xx, and an answer the request's own `transient`
// predicate calls transient (a GraphQL INTERNAL_SERVER_ERROR with HTTP 200). Any other
// 4xx, and any other failure, never.
// How long: exponential backoff with full jitter, uniform in [0, min(maximum,
// initial * multiplier^retry)], unless the answer carries Retry-After (seconds or an
// HTTP-date), which is then waited for exactly. It stops after `max_attempts` sends, or
// when the next wait would push the total waited past `max_total_delay`, and returns
// the last response or Status as it came.
//
// Time is injected, never read here: the sleeper waits between sends and the wall clock
// reads Retry-After dates; the daemon passes its Env's (daemon/env.cc, through
// MakeHttpStack), a test a fake clock that sleeps nothing.
//
// Thread-safety: RetryingHttpClient::Send is safe from several threads when the inner
// client, the random source, the sleeper and the clock are.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "connectors/http/http_client.h"

namespace idsync {

struct RetryPolicy {
  int max_attempts = 5;  // sends in all, the first included
  std::chrono::milliseconds max_total_delay{std::chrono::minutes(2)};
};

// True when sending `request` again may give a different outcome: the one predicate
// the retry loop asks.
bool IsRetryable(const HttpRequest& request, const StatusOr<HttpResponse>& outcome);

class Backoff {
 public:
  // Uniform in [0, 1). Must be safe to call from several threads.
  using Random = std::function<double()>;

  // The defaults: 500 ms doubling up to 30 s, drawn with `random` (null: as below).
  explicit Backoff(Random random = nullptr)
      : Backoff(std::chrono::milliseconds(500), std::chrono::seconds(30), 2.0, std::move(random)) {}
  // A null `random` means a thread-safe Mersenne Twister seeded from random_device.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum,
          double multiplier, Random random = nullptr);

  // The wait before retry number `retry` (0 for the first retry).
  std::chrono::milliseconds Delay(int retry) const;
  // The upper bound Delay(retry) draws from.
  std::chrono::milliseconds Cap(int retry) const;

 private:
  std::chrono::milliseconds initial_, maximum_;
  double multiplier_;
  Random random_;
};

// Blocks the calling thread for the given duration (Env::SleepFor).
using Sleeper = std::function<void(std::chrono::milliseconds)>;
// The wall clock now (Env::WallNow).
using WallClock = std::function<std::chrono::system_clock::time_point()>;

// What the retry loop takes from the world, each REQUIRED: sleeping between sends,
// the wall clock for Retry-After dates, and the uniform source of the jitter; and,
// optional, the steady clock that times each attempt in the request log (null: the
// log's own). The daemon fills all four from its Env (daemon/env.cc: SleepFor,
// WallNow, Uniform, SteadyNow).
struct RetryClock {
  Sleeper sleep;
  WallClock wall_now;
  Backoff::Random uniform;
  std::function<std::chrono::steady_clock::time_point()> steady_now = nullptr;
};

// Retry-After as a wait from `now`: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct
// 2015 07:28:00 GMT", parsed by curl_getdate). A date in the past waits zero.
// nullopt when the value is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now);

class RetryingHttpClient : public HttpClient {
 public:
  // REQUIRES: `inner` outlives this client; `sleeper` and `clock` are not null (both are
  // called from Send's thread).
  RetryingHttpClient(HttpClient& inner, RetryPolicy policy, Backoff backoff, Sleeper sleeper,
                     WallClock clock);

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  HttpClient& inner_;
  const RetryPolicy policy_;
  const Backoff backoff_;
  const Sleeper sleeper_;
  const WallClock clock_;
};

}  // namespace idsync
