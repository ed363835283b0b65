// An Env for in-process tests (daemon/env.h): a wall clock and a steady clock that move
// only when the test says, a scripted uniform source, sleeps that advance the steady
// clock instead of blocking, and waits that return at once once their deadline has been
// reached on the virtual clock. A platform's transport is the default stack (real lane,
// logging, retry) over the wrapped Env's HTTP engine, its retries waiting on this
// virtual clock. Everything else (the HTTP engine, secrets, opening a store) forwards to
// the Env it wraps, so a test overrides only what it needs.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "daemon/env.h"

namespace idsync::testing {

class FakeEnv : public EnvWrapper {
 public:
  // REQUIRES: `target` outlives this Env.
  explicit FakeEnv(Env& target) : EnvWrapper(target) {}

  WallTime WallNow() override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  SteadyTime SteadyNow() override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  // The next scripted value (then 0.5 when the script is used up).
  double Uniform() override {
    std::lock_guard lock(mu_);
    if (uniforms_.empty()) return 0.5;
    double u = uniforms_.front();
    uniforms_.pop_front();
    return u;
  }
  // Env's own default, not the wrapped Env's: the stack's retries then sleep, read the
  // wall clock and jitter through this FakeEnv.
  PlatformTransport TransportFor(const PlatformConfig& platform) override {
    return Env::TransportFor(platform);
  }
  // Advances the steady (and wall) clock by `duration`; never blocks.
  void SleepFor(std::chrono::milliseconds duration) override {
    std::lock_guard lock(mu_);
    slept_ += duration;
    steady_ += duration;
    wall_ += duration;
  }
  // Returns at once when `deadline` has passed on the virtual clock; otherwise waits
  // for a notification on `cv`. Advance() does not notify: the test wakes the waiter's
  // own cv after moving the clock (Workers::Wake), which cannot be missed because the
  // waiter holds `lock` from its check until it waits.
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 SteadyTime deadline) override {
    if (SteadyNow() >= deadline) return;
    {
      std::lock_guard g(mu_);
      ++parks_;
    }
    parked_cv_.notify_all();
    cv.wait(lock);
  }

  // How many times a thread has blocked in WaitUntil so far.
  int parks() const {
    std::lock_guard lock(mu_);
    return parks_;
  }
  // Waits (real time, at most `limit`) until parks() >= `at_least`; false on timeout.
  bool AwaitParks(int at_least, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return parked_cv_.wait_for(lock, limit, [&] { return parks_ >= at_least; });
  }

  void SetWallUnix(int64_t seconds) {
    std::lock_guard lock(mu_);
    wall_ = WallTime(std::chrono::seconds(seconds));
  }
  void Advance(std::chrono::milliseconds duration) {
    std::lock_guard lock(mu_);
    steady_ += duration;
    wall_ += duration;
  }
  void PushUniform(double u) {
    std::lock_guard lock(mu_);
    uniforms_.push_back(u);
  }
  std::chrono::milliseconds slept() const {
    std::lock_guard lock(mu_);
    return slept_;
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_{std::chrono::seconds(1'700'000'000)};
  SteadyTime steady_{std::chrono::hours(1)};
  std::deque<double> uniforms_;
  std::chrono::milliseconds slept_{0};
  int parks_ = 0;
  std::condition_variable parked_cv_;
};

}  // namespace idsync::testing
