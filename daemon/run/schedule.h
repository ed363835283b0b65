// When one platform instance reconciles next (SPEC §5; STYLE: controller-runtime).
//
// Level-based: a timer, a manifest change, SIGHUP or POST /v1/reconcile only make a
// platform due; they never carry what changed. A Schedule is a plain value driven with
// explicit times, so tests need no clock.
//
//   Start(now)            due at once (the reconcile at start)
//   Trigger(now)          due at once (a change is acted on without waiting), unless a
//                         reconcile is running: then due right after it ends, so any
//                         number of triggers during one reconcile makes exactly one
//                         more reconcile behind it; or unless the last reconcile began
//                         less than `coalesce` ago (and has ended): then due when that
//                         window ends, so a burst after a quick reconcile makes at
//                         most one more.
//   Began(now)            a reconcile starts: triggers so far are consumed
//   Finished(now, ok, u)  next due: ok -> interval * (0.9 + 0.2u); failure n (1-based)
//                         -> min(1 s * 2^(n-1), interval) * (0.9 + 0.2u); u in [0, 1);
//                         and no later than a WakeBy instant given since Began
//   WakeBy(t)             due at t at the latest (an `expires:` instant, SPEC §5)
//
// Thread-safety: a value; callers synchronise.
#pragma once

#include <chrono>
#include <cstdint>

namespace idsync {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

struct ScheduleConfig {
  Millis interval{5 * 60'000};
  Millis coalesce{250};
  Millis first_backoff{1'000};
  double jitter = 0.10;  // ± fraction of each wait
};

class Schedule {
 public:
  explicit Schedule(ScheduleConfig config) : config_(config) {}

  void Start(SteadyTime now);
  void Trigger(SteadyTime now);
  void Began(SteadyTime now);
  void Finished(SteadyTime now, bool ok, double uniform);
  void WakeBy(SteadyTime at);

  SteadyTime due() const { return due_; }
  bool running() const { return running_; }
  // When the last reconcile began; meaningful once Began() was called.
  SteadyTime began_at() const { return began_at_; }
  int failures() const { return failures_; }
  // The wait after the n-th consecutive failure, before jitter (n >= 1).
  Millis BackoffFor(int n) const;

 private:
  Millis Jittered(Millis base, double uniform) const;

  ScheduleConfig config_;
  SteadyTime due_ = SteadyTime::max();
  bool running_ = false;
  bool triggered_while_running_ = false;
  bool began_ = false;
  SteadyTime began_at_{};
  int failures_ = 0;
  SteadyTime wake_by_ = SteadyTime::max();
};

}  // namespace idsync
