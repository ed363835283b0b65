// How fast one lane of the HTTP engine may send: a token bucket at the lane's current
// rate, pauses a server asked for (Retry-After), and AIMD on 429s. Pure: time comes in
// as arguments, so tests drive it without a clock or a socket.
//
// The server is assumed to limit with a token bucket of r requests/s holding about
// one second's worth (r tokens), refusing with 429 once it is empty. Before any 429 the
// lane sends at its configured rate_limit, or without a rate limit (concurrency only)
// when none is configured. On the first 429:
//   - the lane pauses until the answer's Retry-After (1 s when absent; at most 2 min);
//     requests already queued wait too (and, in the engine, until those in flight
//     have come back), so only requests already in flight can still be refused;
//   - the server's rate is estimated from what it accepted. Its bucket was empty at
//     each refused send; over any window of T seconds ending there (at most 10 s back)
//     the A requests it accepted took at most a full bucket plus its refill,
//     A <= r*1s + r*T, so r >= A / (T + 1s). The estimate is the largest of these
//     lower bounds over every window start (a gap or a slow start in the lane's
//     sending would make the busy period's bound loose) and every refused send,
//     counting as accepted the requests answered with anything but 429 and those sent
//     before the first refused one whose answer has not come yet. The answers of the
//     requests in flight at the first 429 refine it (they arrive while the lane
//     drains), until the lane sends again. That is the ceiling; the lane continues at
//     95% of it. A smaller bucket than assumed makes the estimate lower (safe); a
//     bigger one makes it too high, and the next 429 corrects it (below). With fewer
//     than 10 accepted requests in every window (the bucket was not full: another
//     client, or our previous run) the lane only pauses, and learns at the next 429.
//   - the pause refilled the server's bucket: from the lane's last send to the end of
//     the pause it gained r*P (at most its size) whatever it held. On top of its rate
//     the lane spends 90% of ceiling*min(P, 1s) of that, spread evenly over
//     max(2 s, T) (T: the window the estimate came from), so that the pause
//     Retry-After asked for costs little time. Spread over at least T, this is safe
//     for any bucket B up to one second's worth: below that, the estimate falls short
//     of r by at least (ceiling - B)/T, which over T seconds refills what B lacks.
//     Never above the configured rate_limit; a later 429 cancels what is left.
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
  // Any other HTTP answer (not 429, not 503) for a request sent at `sent`: the server
  // accepted it. Refines the first estimate while the lane drains.
  void OnAnswered(Time sent);
  // Another answer asking to wait (503 with Retry-After): pause, no rate change.
  void PauseFor(Time now, std::chrono::milliseconds wait);

  double rate() const { return rate_; }        // requests/s now; kUnlimited when none
  double ceiling() const { return ceiling_; }  // kUnlimited until the first 429
  // Requests the lane may still send on top of its rate, from what the first pause
  // refilled at the server (0 when none, or once spent or cancelled).
  double credit() const { return credit_left_; }
  bool throttled_before() const { return first_throttle_.has_value(); }
  // How many times a 429 lowered the rate. The engine lets a lane's requests in
  // flight drain after each decrease before it sends again: they went out at the old
  // rate, and a Retry-After of 0 would otherwise let new ones race them.
  int decreases() const { return decreases_; }

 private:
  enum class Outcome : std::uint8_t { kUnknown, kAccepted, kRefused };
  struct Sent {
    Time at;
    Outcome outcome = Outcome::kUnknown;
  };
  struct Estimate {
    double rate = 0;  // requests/s
    std::chrono::steady_clock::duration window{};  // of the window it came from
  };

  void Refill(Time now);
  double Burst() const;
  double Cap() const;  // the most AI may reach: min(limit, 95% of ceiling)
  double CreditRate() const;  // requests/s the credit adds now (within rate_limit)
  void SetRate(double rate, Time now);
  void MarkOutcome(Time sent, Outcome outcome);
  // nullopt when no window held enough accepted requests to say anything.
  std::optional<Estimate> EstimateServerRate() const;
  // Ceiling, rate and credit from the first 429's estimate (again as answers refine it).
  void ApplyFirstEstimate(const Estimate& estimate);
  // While estimating: the estimate from what is known now, applied when there is one.
  void Reestimate();

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
  std::optional<Time> last_send_;
  std::deque<Sent> sends_;  // the last 10 s of sends, oldest first
  Time first_refused_send_{};  // the request the first 429 of this estimate answered
  // From a 429 while no ceiling is known to the next send: answers (all for requests
  // sent before that 429 came) make and refine the estimate.
  bool estimating_ = false;
  double credit_left_ = 0;     // requests still to be added on top of the rate
  double credit_rate_ = 0;     // requests/s they are added at
};

}  // namespace idsync
