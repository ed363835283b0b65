#include "daemon/run/schedule.h"

#include <algorithm>

namespace idsync {

void Schedule::Start(SteadyTime now) { due_ = now; }

void Schedule::Trigger(SteadyTime now) {
  if (running_) {
    triggered_while_running_ = true;
    return;
  }
  const SteadyTime at = began_ ? std::max(now, began_at_ + config_.coalesce) : now;
  due_ = std::min(due_, at);
}

void Schedule::WakeBy(SteadyTime at) {
  wake_by_ = std::min(wake_by_, at);
  if (!running_) due_ = std::min(due_, at);
}

void Schedule::Began(SteadyTime now) {
  began_ = true;
  began_at_ = now;
  running_ = true;
  wake_by_ = SteadyTime::max();
  triggered_while_running_ = false;
  due_ = SteadyTime::max();
}

Millis Schedule::BackoffFor(int n) const {
  Millis wait = config_.first_backoff;
  for (int i = 1; i < n && wait < config_.interval; ++i) wait *= 2;
  return std::min(wait, config_.interval);
}

Millis Schedule::Jittered(Millis base, double uniform) const {
  double factor = 1.0 - config_.jitter + 2.0 * config_.jitter * std::clamp(uniform, 0.0, 1.0);
  return Millis(static_cast<int64_t>(static_cast<double>(base.count()) * factor));
}

void Schedule::Finished(SteadyTime now, bool ok, double uniform) {
  running_ = false;
  failures_ = ok ? 0 : failures_ + 1;
  Millis wait = ok ? config_.interval : BackoffFor(failures_);
  due_ = now + Jittered(wait, uniform);
  if (triggered_while_running_) due_ = now;  // the running reconcile was the coalescing
  triggered_while_running_ = false;
  due_ = std::min(due_, wake_by_);
}

}  // namespace idsync
