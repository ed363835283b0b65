#include "connectors/http/rate_control.h"

#include <algorithm>
#include <cmath>

namespace idsync {
namespace {

using std::chrono::milliseconds;
using Seconds = std::chrono::duration<double>;

constexpr double kHeadroom = 0.95;         // AI stops at this fraction of the ceiling
constexpr double kDecrease = 0.85;         // a 429 at rate x: continue at this times x
constexpr double kStep = 0.02;             // AI per second, as a fraction of the ceiling
constexpr double kMinRate = 0.5;           // requests/s: never slower than this
constexpr double kBurstSeconds = 0.05;     // the bucket holds this much of the rate
constexpr auto kIdleGap = std::chrono::seconds(1);   // a longer gap starts a busy period
constexpr auto kHistory = std::chrono::seconds(10);  // sends kept for the estimate
constexpr auto kAssumedServerBurst = std::chrono::seconds(1);
// Fewer sends than this before a refusal say more about someone else's use of the
// limit (or a bucket left empty by our last run) than about its rate: pause only.
constexpr int kMinEvidence = 10;
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

double AdaptiveRate::Burst() const {
  return std::isinf(rate_) ? 1.0 : std::max(1.0, rate_ * kBurstSeconds);
}

void AdaptiveRate::Refill(Time now) {
  if (!std::isinf(ceiling_) && rate_ < Cap() && now - last_increase_ >= std::chrono::seconds(1)) {
    const auto steps = std::chrono::duration_cast<std::chrono::seconds>(now - last_increase_);
    rate_ = std::min(Cap(), rate_ + kStep * ceiling_ * static_cast<double>(steps.count()));
    last_increase_ += steps;
  }
  if (std::isinf(rate_) || now <= refilled_at_) return;
  tokens_ = std::min(Burst(), tokens_ + Seconds(now - refilled_at_).count() * rate_);
  refilled_at_ = now;
}

AdaptiveRate::Time AdaptiveRate::NextSend(Time now) {
  if (now < paused_until_) return paused_until_;
  Refill(now);
  if (std::isinf(rate_) || tokens_ >= 1.0) return now;
  const Seconds missing((1.0 - tokens_) / rate_);
  return now + std::chrono::ceil<std::chrono::microseconds>(missing);
}

void AdaptiveRate::OnSent(Time now) {
  if (!last_send_ || now - *last_send_ >= kIdleGap) busy_since_ = now;
  last_send_ = now;
  sends_.push_back(now);
  while (!sends_.empty() && sends_.front() < now - kHistory) sends_.pop_front();
  if (std::isinf(rate_)) return;
  Refill(now);
  tokens_ = std::max(0.0, tokens_ - 1.0);
}

std::optional<double> AdaptiveRate::EstimateServerRate(Time refused_send) const {
  Time origin = refused_send - kHistory;
  if (busy_since_ <= refused_send) origin = std::max(origin, busy_since_);
  const auto accepted = std::count_if(sends_.begin(), sends_.end(), [&](Time t) {
    return t >= origin && t < refused_send;
  });
  if (accepted < kMinEvidence) return std::nullopt;
  const double seconds = Seconds(refused_send - origin + kAssumedServerBurst).count();
  return std::max(kMinRate, static_cast<double>(accepted) / seconds);
}

void AdaptiveRate::SetRate(double rate, Time now) {
  rate_ = std::max(kMinRate, rate);
  ++decreases_;
  decreased_at_ = now;
  last_increase_ = paused_until_;
  tokens_ = 1.0;  // the first request after the pause goes at once
  refilled_at_ = paused_until_;
}

bool AdaptiveRate::OnThrottled(Time sent, Time now, std::optional<milliseconds> retry_after) {
  const bool after_first = first_throttle_.has_value() && sent > *first_throttle_;
  PauseFor(now, retry_after.value_or(kDefaultPause));
  if (!first_throttle_) first_throttle_ = now;
  if (std::isinf(ceiling_)) {
    const std::optional<double> estimate = EstimateServerRate(sent);
    if (estimate) {
      ceiling_ = *estimate;
      SetRate(Cap(), now);
    }
  } else if (sent >= decreased_at_) {
    // Refused at the rate we were sending: that is the new ceiling.
    ceiling_ = std::min(ceiling_, rate_);
    SetRate(kDecrease * ceiling_, now);
  }
  return after_first;
}

void AdaptiveRate::PauseFor(Time now, milliseconds wait) {
  paused_until_ = std::max(paused_until_, now + std::clamp(wait, milliseconds(0), kMaxPause));
  if (refilled_at_ < paused_until_ && !std::isinf(rate_)) {
    refilled_at_ = paused_until_;  // no tokens accrue while paused
    tokens_ = std::min(tokens_, 1.0);
  }
}

}  // namespace idsync
