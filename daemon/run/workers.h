// The reconcile loop: one thread per platform instance, each on its own Schedule
// (daemon/run/schedule.h), so a slow or failing platform never delays another.
//
// Time, jitter and waiting come from a LoopEnv: the narrow view of the process's Env
// (daemon/env.h) that the loop needs, made by LoopEnvOf; tests pass a virtual clock.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/env.h"
#include "daemon/run/schedule.h"

namespace idsync {

struct LoopEnv {
  std::function<SteadyTime()> now;
  std::function<double()> uniform;  // in [0, 1); thread-safe
  // Blocks on `cv` (lock held on entry and on return) until notified or `deadline`;
  // may return early (callers re-check).
  std::function<void(std::unique_lock<std::mutex>&, std::condition_variable&, SteadyTime)>
      wait_until;
};
// env's SteadyNow, Uniform and WaitUntil. REQUIRES: `env` outlives the view.
LoopEnv LoopEnvOf(Env& env);

struct PlatformTiming {
  SteadyTime due;  // SteadyTime::max() while running
  bool running = false;
  int failures = 0;
};

class Workers {
 public:
  // reconcile(platform) runs one reconcile and returns true on success; it is called
  // from that platform's thread only, never twice at once for one platform.
  using ReconcileFn = std::function<bool(const std::string& platform)>;

  Workers(ScheduleConfig config, LoopEnv env, ReconcileFn reconcile);
  ~Workers();  // Stop() and join
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Starts the platform's thread, due at once. A platform already added is left as is.
  // Ignored after Stop().
  void Add(const std::string& platform);
  // Marks the platform (or every platform) pending; see Schedule::Trigger.
  void Trigger(const std::string& platform);
  void TriggerAll();
  // No reconcile starts after this returns; running ones go on. Returns at once.
  void Stop();
  // After Stop(): waits up to `timeout` of real time for running reconciles to end;
  // true when every thread has ended (they are joined then).
  bool WaitStopped(std::chrono::milliseconds timeout);

  std::map<std::string, PlatformTiming> Timings() const;
  // Wakes every waiting thread (a virtual clock moved).
  void Wake();

 private:
  void Loop(const std::string& platform);

  const ScheduleConfig config_;
  const LoopEnv env_;
  const ReconcileFn reconcile_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // schedules changed, or stop
  std::condition_variable ended_cv_;  // a thread ended
  std::map<std::string, Schedule> schedules_;  // guarded by mu_
  std::vector<std::thread> threads_;           // guarded by mu_
  int alive_ = 0;                              // guarded by mu_
  bool stopping_ = false;                      // guarded by mu_
};

}  // namespace idsync
