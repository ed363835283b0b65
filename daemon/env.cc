#include "daemon/env.h"

#include <random>
#include <thread>

#include "config/secrets.h"
#include "connectors/factory.h"

namespace idsync {
namespace {

class PosixEnv final : public Env {
 public:
  PosixEnv() : rng_(std::random_device{}()) {}

  WallTime WallNow() override { return std::chrono::system_clock::now(); }
  SteadyTime SteadyNow() override { return std::chrono::steady_clock::now(); }
  double Uniform() override {
    std::lock_guard lock(rng_mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }
  void SleepFor(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 SteadyTime deadline) override {
    if (deadline == SteadyTime::max()) cv.wait(lock); else cv.wait_until(lock, deadline);
  }
  HttpEngine& Http() override {
    std::call_once(engine_once_, [this] { engine_ = std::make_unique<HttpEngine>(); });
    return *engine_;
  }
  StatusOr<std::string> ReadSecret(const PlatformConfig& platform, const std::string& key) override {
    return idsync::ReadSecret(platform, key);
  }
  StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                             StoreAccess access) override {
    return Store::Open(location, access);
  }

 private:
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
  std::once_flag engine_once_;
  std::unique_ptr<HttpEngine> engine_;
};

}  // namespace

PlatformTransport Env::TransportFor(const PlatformConfig& platform) {
  // The retry layer waits, reads Retry-After dates and jitters through this Env, and
  // the request log times each attempt with its steady clock.
  RetryClock clock{[this](std::chrono::milliseconds d) { SleepFor(d); }, [this] { return WallNow(); },
                   [this] { return Uniform(); }, [this] { return SteadyNow(); }};
  std::unique_ptr<HttpStack> stack = MakeHttpStack(platform, Http(), std::move(clock));
  const RequestCounters* counters = &stack->counters();
  return PlatformTransport{std::move(stack), counters};
}

std::unique_ptr<Env> SystemEnv() { return std::make_unique<PosixEnv>(); }

}  // namespace idsync
