// How fast one lane of the HTTP engine may send: a token bucket at the lane's current
// rate, pauses a server asked for (Retry-After), and AIMD on 429s. Pure: time comes in
// as arguments, so tests drive it without a clock or a socket.
//
// The server is assumed to limit with a token bucket of r requests/s holding about one
// second's worth (r tokens), refusing with 429 once it is empty. Before any 429 the
// lane sends at its configured rate_limit, or without a rate limit (concurrency only)
// when none is configured. On the first 429:
//   - the lane pauses until the answer's Retry-After (1 s when absent; at most 2 min);
//     requests already queued wait too (and, in the engine, until those in flight
//     have come back), so only requests already in flight can still be refused;
//   - the server's rate is estimated from what it accepted: from the start of the busy
//     period (sends less than 1 s apart, at most 10 s back) to the refused send,
//     N sends in T seconds drained a full bucket, N = r*1s + r*T, so r = N / (T + 1s).
//     That is the ceiling; the lane continues at 95% of it. A smaller bucket than
//     assumed makes the estimate lower (safe), never higher. With fewer than 10
//     such sends (the bucket was not full: another client, or our previous run) the
//     lane only pauses, and learns at the next 429.
// A later 429 for a request sent after the decrease means the ceiling was too high:
// ceiling = the rate it was sent at, rate = 85% of that. 429s for requests sent before
// the last decrease only extend the pause: they tell nothing about the new rate. Each
// second without a 429 the rate climbs back by 2% of the ceiling, never above 95% of
// it (a rate that was refused is not probed again), nor above the configured limit.
//
// Thread-safety: not thread-safe; the engine guards each lane's AdaptiveRate with its
// mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>

namespace idsync {

class AdaptiveRate {
 public:
  using Time = std::chrono::steady_clock::time_point;
  static constexpr double kUnlimited = std::numeric_limits<double>::infinity();

  // `limit_per_second`: the configured rate_limit, or nullopt to adapt only.
  explicit AdaptiveRate(std::optional<double> limit_per_second = std::nullopt);

  // A new configured limit (manifest reload); what was learnt from 429s is kept.
  void SetLimit(std::optional<double> limit_per_second);

  // The earliest time the next request may be sent: now or later (a pause, or the
  // token bucket refilling).
  Time NextSend(Time now);
  // A request is sent at `now`. REQUIRES: NextSend(now) <= now.
  void OnSent(Time now);

  // A 429 arrived at `now` for a request sent at `sent`. `retry_after` as parsed from
  // the answer. Returns true when this 429 is for a request sent after the first 429
  // had been received (what must not happen once the estimate is right).
  bool OnThrottled(Time sent, Time now, std::optional<std::chrono::milliseconds> retry_after);
  // Another answer asking to wait (503 with Retry-After): pause, no rate change.
  void PauseFor(Time now, std::chrono::milliseconds wait);

  double rate() const { return rate_; }        // requests/s now; kUnlimited when none
  double ceiling() const { return ceiling_; }  // kUnlimited until the first 429
  bool throttled_before() const { return first_throttle_.has_value(); }
  // How many times a 429 lowered the rate. The engine lets a lane's requests in
  // flight drain after each decrease before it sends again: they went out at the old
  // rate, and a Retry-After of 0 would otherwise let new ones race them.
  int decreases() const { return decreases_; }

 private:
  void Refill(Time now);
  double Burst() const;
  double Cap() const;  // the most AI may reach: min(limit, 95% of ceiling)
  void SetRate(double rate, Time now);
  // nullopt when too few requests preceded the refusal to say anything.
  std::optional<double> EstimateServerRate(Time refused_send) const;

  std::optional<double> limit_;
  double ceiling_ = kUnlimited;
  double rate_ = kUnlimited;
  double tokens_ = 0;
  Time refilled_at_{};
  Time paused_until_{};
  Time decreased_at_{};     // sends before it are stale evidence
  Time last_increase_{};
  std::optional<Time> first_throttle_;  // when the first 429 was received
  int decreases_ = 0;
  Time busy_since_{};
  std::optional<Time> last_send_;
  std::deque<Time> sends_;  // the last 10 s of sends, oldest first
};

}  // namespace idsync
