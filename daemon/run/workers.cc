#include "daemon/run/workers.h"


namespace idsync {

LoopEnv LoopEnvOf(Env& env) {
  return LoopEnv{
      [&env] { return env.SteadyNow(); }, [&env] { return env.Uniform(); },
      [&env](std::unique_lock<std::mutex>& lock, std::condition_variable& cv, SteadyTime deadline) {
        env.WaitUntil(lock, cv, deadline);
      }};
}

Workers::Workers(ScheduleConfig config, LoopEnv env, ReconcileFn reconcile)
    : config_(config), env_(std::move(env)), reconcile_(std::move(reconcile)) {}

Workers::~Workers() {
  Stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void Workers::Add(const std::string& platform) {
  std::lock_guard lock(mu_);
  if (stopping_ || schedules_.count(platform)) return;
  auto [it, inserted] = schedules_.emplace(platform, Schedule(config_));
  it->second.Start(env_.now());
  ++alive_;
  threads_.emplace_back([this, platform] { Loop(platform); });
}

void Workers::Trigger(const std::string& platform) {
  std::lock_guard lock(mu_);
  auto it = schedules_.find(platform);
  if (it == schedules_.end()) return;
  it->second.Trigger(env_.now());
  cv_.notify_all();
}

void Workers::TriggerAll() {
  std::lock_guard lock(mu_);
  SteadyTime now = env_.now();
  for (auto& [name, s] : schedules_) s.Trigger(now);
  cv_.notify_all();
}

void Workers::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

bool Workers::WaitStopped(std::chrono::milliseconds timeout) {
  std::vector<std::thread> threads;
  {
    std::unique_lock lock(mu_);
    if (!ended_cv_.wait_for(lock, timeout, [this] { return alive_ == 0; })) return false;
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  return true;
}

std::map<std::string, PlatformTiming> Workers::Timings() const {
  std::lock_guard lock(mu_);
  std::map<std::string, PlatformTiming> out;
  for (const auto& [name, s] : schedules_) out[name] = {s.due(), s.running(), s.failures()};
  return out;
}

void Workers::Wake() {
  std::lock_guard lock(mu_);
  cv_.notify_all();
}

void Workers::Loop(const std::string& platform) {
  std::unique_lock lock(mu_);
  Schedule& schedule = schedules_.at(platform);  // std::map: the reference stays valid
  while (!stopping_) {
    if (env_.now() < schedule.due()) {
      env_.wait_until(lock, cv_, schedule.due());
      continue;
    }
    schedule.Began(env_.now());
    lock.unlock();
    bool ok = reconcile_(platform);
    lock.lock();
    schedule.Finished(env_.now(), ok, env_.uniform());
  }
  --alive_;
  ended_cv_.notify_all();
}

}  // namespace idsync
