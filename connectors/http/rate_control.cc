#include "connectors/http/rate_control.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace idsync {
namespace {

using std::chrono::milliseconds;
using Seconds = std::chrono::duration<double>;

constexpr double kHeadroom = 0.95;         // AI stops at this fraction of the ceiling
constexpr double kDecrease = 0.85;         // a 429 at rate x: continue at this times x
constexpr double kStep = 0.02;             // AI per second, as a fraction of the ceiling
constexpr double kMinRate = 0.5;           // requests/s: never slower than this
constexpr double kBurstSeconds = 0.05;     // the bucket holds this much of the rate
constexpr auto kHistory = std::chrono::seconds(10);  // sends kept for the estimate
constexpr auto kAssumedServerBurst = std::chrono::seconds(1);
// Fewer sends than this before a refusal say more about someone else's use of the
// limit (or a bucket left empty by our last run) than about its rate: pause only.
constexpr int kMinEvidence = 10;
// Of what the first pause refilled at the server, the lane spends this share, over at
// least kCreditSpread (and at least the estimate's window).
constexpr double kCreditShare = 0.9;
constexpr auto kCreditSpread = std::chrono::seconds(2);
constexpr milliseconds kDefaultPause{1000};
constexpr milliseconds kMaxPause{120'000};

}  // namespace

AdaptiveRate::AdaptiveRate(std::optional<double> limit_per_second) : limit_(limit_per_second) {
  rate_ = Cap();
  tokens_ = Burst();
}

void AdaptiveRate::SetLimit(std::optional<double> limit_per_second) {
  limit_ = limit_per_second;
  rate_ = std::isinf(ceiling_) ? Cap() : std::min(rate_, Cap());
  tokens_ = std::min(tokens_, Burst());
}

double AdaptiveRate::Cap() const {
  const double limit = limit_.value_or(kUnlimited);
  return std::isinf(ceiling_) ? limit : std::min(limit, kHeadroom * ceiling_);
}

double AdaptiveRate::CreditRate() const {
  if (credit_left_ <= 0) return 0;
  if (!limit_) return credit_rate_;
  return std::clamp(*limit_ - rate_, 0.0, credit_rate_);
}

double AdaptiveRate::Burst() const {
  return std::isinf(rate_) ? 1.0 : std::max(1.0, (rate_ + CreditRate()) * kBurstSeconds);
}

void AdaptiveRate::Refill(Time now) {
  if (!std::isinf(ceiling_) && rate_ < Cap() && now - last_increase_ >= std::chrono::seconds(1)) {
    const auto steps = std::chrono::duration_cast<std::chrono::seconds>(now - last_increase_);
    rate_ = std::min(Cap(), rate_ + kStep * ceiling_ * static_cast<double>(steps.count()));
    last_increase_ += steps;
  }
  if (std::isinf(rate_) || now <= refilled_at_) return;
  const double seconds = Seconds(now - refilled_at_).count();
  const double burst = Burst();  // before the credit shrinks: it was accruing till now
  const double extra = std::min(credit_left_, seconds * CreditRate());
  credit_left_ -= extra;
  tokens_ = std::min(burst, tokens_ + seconds * rate_ + extra);
  refilled_at_ = now;
}

AdaptiveRate::Time AdaptiveRate::NextSend(Time now) {
  if (now < paused_until_) return paused_until_;
  Refill(now);
  if (std::isinf(rate_) || tokens_ >= 1.0) return now;
  const Seconds missing((1.0 - tokens_) / (rate_ + CreditRate()));
  return now + std::chrono::ceil<std::chrono::microseconds>(missing);
}

void AdaptiveRate::OnSent(Time now) {
  last_send_ = now;
  estimating_ = false;  // what is sent from now on is not evidence of the first bucket
  sends_.push_back({now});
  while (!sends_.empty() && sends_.front().at < now - kHistory) sends_.pop_front();
  if (std::isinf(rate_)) return;
  Refill(now);
  tokens_ = std::max(0.0, tokens_ - 1.0);
}

void AdaptiveRate::MarkOutcome(Time sent, Outcome outcome) {
  for (auto it = sends_.rbegin(); it != sends_.rend() && it->at >= sent; ++it) {
    if (it->at == sent && it->outcome == Outcome::kUnknown) {
      it->outcome = outcome;
      return;
    }
  }
}

std::optional<AdaptiveRate::Estimate> AdaptiveRate::EstimateServerRate() const {
  const Time oldest = first_refused_send_ - kHistory;
  // The server's bucket was empty at every refused send: each ends a window.
  std::vector<Time> ends{first_refused_send_};
  std::vector<Time> accepted;  // send times, in order
  for (const Sent& s : sends_) {
    if (s.at < oldest) continue;
    if (s.outcome == Outcome::kRefused) ends.push_back(s.at);
    if (s.outcome == Outcome::kAccepted ||
        (s.outcome == Outcome::kUnknown && s.at < first_refused_send_)) {
      accepted.push_back(s.at);
    }
  }
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  std::optional<Estimate> best;
  for (const Time end : ends) {
    // Windows [start, end] starting at each accepted send, the shortest first.
    const auto last = std::upper_bound(accepted.begin(), accepted.end(), end);
    for (auto it = last; it != accepted.begin();) {
      --it;
      const auto count = last - it;
      if (count < kMinEvidence) continue;
      const double rate = static_cast<double>(count) / Seconds(end - *it + kAssumedServerBurst).count();
      if (!best || rate > best->rate) best = Estimate{rate, end - *it};
    }
  }
  if (best) best->rate = std::max(kMinRate, best->rate);
  return best;
}

void AdaptiveRate::SetRate(double rate, Time now) {
  rate_ = std::max(kMinRate, rate);
  ++decreases_;
  decreased_at_ = now;
  last_increase_ = paused_until_;
  tokens_ = 1.0;  // the first request after the pause goes at once
  refilled_at_ = paused_until_;
}

void AdaptiveRate::ApplyFirstEstimate(const Estimate& estimate) {
  ceiling_ = estimate.rate;
  rate_ = std::max(kMinRate, Cap());
  last_increase_ = paused_until_;
  tokens_ = 1.0;
  refilled_at_ = paused_until_;
  // What the server's bucket gained between our last send and the end of the pause.
  const auto refill = std::min<Time::duration>(paused_until_ - *last_send_, kAssumedServerBurst);
  credit_left_ = kCreditShare * ceiling_ * std::max(0.0, Seconds(refill).count());
  const auto spread = std::max<Time::duration>(kCreditSpread, estimate.window);
  credit_rate_ = credit_left_ / Seconds(spread).count();
}

bool AdaptiveRate::OnThrottled(Time sent, Time now, std::optional<milliseconds> retry_after) {
  const bool after_first = first_throttle_.has_value() && sent > *first_throttle_;
  MarkOutcome(sent, Outcome::kRefused);
  PauseFor(now, retry_after.value_or(kDefaultPause));
  if (!first_throttle_) first_throttle_ = now;
  if (std::isinf(ceiling_) && !estimating_) {
    // The first 429 since the lane last sent: what it sent before is evidence.
    estimating_ = true;
    first_refused_send_ = sent;
  }
  if (estimating_) {
    Reestimate();
  } else if (sent >= decreased_at_) {
    // Refused at the rate we were sending: that is the new ceiling.
    credit_left_ = 0;
    ceiling_ = std::min(ceiling_, rate_);
    SetRate(kDecrease * ceiling_, now);
  }
  return after_first;
}

void AdaptiveRate::OnAnswered(Time sent) {
  MarkOutcome(sent, Outcome::kAccepted);
  if (estimating_) Reestimate();
}

void AdaptiveRate::Reestimate() {
  const std::optional<Estimate> estimate = EstimateServerRate();
  if (!estimate) return;
  if (std::isinf(ceiling_)) {
    ++decreases_;
    // Nothing is sent while estimating: whatever is sent next was sent after it.
    decreased_at_ = *last_send_ + Time::duration(1);
  }
  ApplyFirstEstimate(*estimate);
}

void AdaptiveRate::PauseFor(Time now, milliseconds wait) {
  paused_until_ = std::max(paused_until_, now + std::clamp(wait, milliseconds(0), kMaxPause));
  if (refilled_at_ < paused_until_ && !std::isinf(rate_)) {
    refilled_at_ = paused_until_;  // no tokens accrue while paused
    tokens_ = std::min(tokens_, 1.0);
  }
}

}  // namespace idsync
