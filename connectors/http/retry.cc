#include "connectors/http/retry.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>
#include <random>
#include <string>

#include "connectors/http/send_counter.h"
#include "core/url.h"
#include "core/text.h"

namespace idsync {
namespace {

Backoff::Random DefaultRandom() {
  struct Source {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source] {
    std::lock_guard lock(source->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(source->engine);
  };
}

std::string Describe(const StatusOr<HttpResponse>& outcome) {
  if (!outcome.ok()) return outcome.status().ToString();
  if (outcome->status >= 200 && outcome->status < 300) {
    return "HTTP " + std::to_string(outcome->status) + " with a transient error";
  }
  return "HTTP " + std::to_string(outcome->status);
}

}  // namespace

bool IsRetryable(const HttpRequest& request, const StatusOr<HttpResponse>& outcome) {
  if (!outcome.ok()) return outcome.status().retryable();
  if (outcome->status == 429 || (outcome->status >= 500 && outcome->status < 600)) return true;
  return request.transient && request.transient(*outcome);
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum,
                 double multiplier, Random random)
    : initial_(initial),
      maximum_(maximum),
      multiplier_(multiplier),
      random_(random ? std::move(random) : DefaultRandom()) {}

std::chrono::milliseconds Backoff::Cap(int retry) const {
  const double cap = static_cast<double>(initial_.count()) *
                     std::pow(multiplier_, static_cast<double>(std::max(retry, 0)));
  const double bounded = std::min(cap, static_cast<double>(maximum_.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(bounded));
}

std::chrono::milliseconds Backoff::Delay(int retry) const {
  const double r = std::clamp(random_(), 0.0, 1.0);
  const double cap = static_cast<double>(Cap(retry).count());
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::floor(r * cap)));
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  const std::string text = Trim(value);
  if (text.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc() && end == text.data() + text.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  const time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(date);
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(when - now);
}

RetryingHttpClient::RetryingHttpClient(HttpClient& inner, RetryPolicy policy,
                                       Backoff backoff, Sleeper sleeper, WallClock clock)
    : inner_(inner),
      policy_(policy),
      backoff_(std::move(backoff)),
      sleeper_(std::move(sleeper)),
      clock_(std::move(clock)) {}

StatusOr<HttpResponse> RetryingHttpClient::Send(const HttpRequest& request) {
  std::chrono::milliseconds waited{0};
  for (int attempt = 1;; ++attempt) {
    CountHttpSend();  // the journal's attempts (send_counter.h)
    StatusOr<HttpResponse> outcome = inner_.Send(request);
    if (!IsRetryable(request, outcome) || attempt >= policy_.max_attempts) return outcome;

    std::optional<std::chrono::milliseconds> delay;
    if (outcome.ok()) {
      if (auto header = outcome->Header("Retry-After")) {
        delay = ParseRetryAfter(*header, clock_());
      }
    }
    if (!delay) delay = backoff_.Delay(attempt - 1);
    if (waited + *delay > policy_.max_total_delay) {
      spdlog::debug("{} {}: giving up after {} (attempt {}): waiting {} more would exceed {}",
                    request.method, UrlForLog(request.url), Describe(outcome), attempt,
                    FormatDuration(*delay), FormatDuration(policy_.max_total_delay));
      return outcome;
    }
    spdlog::debug("{} {}: {}; retrying in {} (attempt {} of {})", request.method,
                  UrlForLog(request.url), Describe(outcome), FormatDuration(*delay),
                  attempt + 1, policy_.max_attempts);
    sleeper_(*delay);
    waited += *delay;
  }
}

}  // namespace idsync
