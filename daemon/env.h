// What idsync takes from the world, in one place (STYLE: leveldb's Env): clocks,
// randomness, sleeping and waiting, the HTTP engine, credentials and the state store.
//
// SystemEnv() is built once, in daemon/main.cc, and passed down by reference to every
// command, the session, reconciler, executor and the daemon loop; nothing below main
// reads a clock, a secret or opens a store on its own. A test replaces the whole Env
// or, through EnvWrapper, only the calls it needs (a fixed wall clock, a virtual
// steady clock, a fake transport):
//
//   class FixedWall final : public EnvWrapper {
//    public:
//     using EnvWrapper::EnvWrapper;
//     WallTime WallNow() override { return WallTime(std::chrono::seconds(1'700'000'000)); }
//   };
//
// Thread-safety: every method of an Env may be called from any number of threads at
// once. An Env outlives everything built with it (stores, HTTP stacks, connectors).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "config/manifest.h"
#include "connectors/http/engine.h"
#include "connectors/http/http_client.h"
#include "connectors/http/logging.h"
#include "core/status.h"
#include "state/store.h"

namespace idsync {

// What one platform instance's connector sends through.
struct PlatformTransport {
  std::unique_ptr<HttpClient> client;
  const RequestCounters* counters = nullptr;  // requests per HTTP status, inside `client`;
                                              // null when the transport counts nothing
};

class Env {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Env() = default;

  // The wall clock: what the journal, runs and plans record.
  virtual WallTime WallNow() = 0;
  // WallNow() in unix seconds (truncated).
  int64_t NowUnix() {
    return std::chrono::duration_cast<std::chrono::seconds>(WallNow().time_since_epoch()).count();
  }
  // The monotonic clock: what schedules, timeouts and durations are measured with.
  virtual SteadyTime SteadyNow() = 0;
  // A uniform random number in [0, 1) (jitter).
  virtual double Uniform() = 0;
  // Blocks the calling thread for `duration` of this Env's steady time.
  virtual void SleepFor(std::chrono::milliseconds duration) = 0;
  // Blocks on `cv` until notified or until SteadyNow() reaches `deadline`
  // (SteadyTime::max(): no deadline). REQUIRES: `lock` holds the mutex cv waits
  // with; it is held again on return. May return early: callers re-check.
  virtual void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         SteadyTime deadline) = 0;

  // The HTTP engine every platform's lanes belong to (one per Env, made on first use).
  virtual HttpEngine& Http() = 0;
  // The transport of one platform instance: by default MakeHttpStack(platform, Http())
  // (its lane, logging and counting, retry; connectors/factory.h), whose retries sleep
  // with SleepFor, read Retry-After dates against WallNow and jitter with Uniform. A test returns a
  // fake HttpClient here to drive plan, apply and export without a socket.
  virtual PlatformTransport TransportFor(const PlatformConfig& platform);
  // Credential `key` of `platform` (config/secrets.h: errors name the platform and the
  // variable or file, never the value).
  virtual StatusOr<std::string> ReadSecret(const PlatformConfig& platform, const std::string& key) = 0;
  // Opens the state store at `location` (state/store.h: Store::Open).
  virtual StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                     StoreAccess access) = 0;
};

// The real world: system and steady clocks, a Mersenne twister seeded from
// std::random_device, std::this_thread::sleep_for, condition_variable::wait_until,
// one HttpEngine (its thread started on first use, stopped when the Env is destroyed),
// config's ReadSecret and Store::Open. Call it once, in main.
std::unique_ptr<Env> SystemEnv();

// Forwards every call to `target`, so a test overrides only what it needs
// (leveldb's EnvWrapper). REQUIRES: `target` outlives the wrapper.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env& target) : target_(target) {}
  Env& target() const { return target_; }

  WallTime WallNow() override { return target_.WallNow(); }
  SteadyTime SteadyNow() override { return target_.SteadyNow(); }
  double Uniform() override { return target_.Uniform(); }
  void SleepFor(std::chrono::milliseconds duration) override { target_.SleepFor(duration); }
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 SteadyTime deadline) override {
    target_.WaitUntil(lock, cv, deadline);
  }
  HttpEngine& Http() override { return target_.Http(); }
  PlatformTransport TransportFor(const PlatformConfig& platform) override {
    return target_.TransportFor(platform);
  }
  StatusOr<std::string> ReadSecret(const PlatformConfig& platform, const std::string& key) override {
    return target_.ReadSecret(platform, key);
  }
  StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                             StoreAccess access) override {
    return target_.OpenStore(location, access);
  }

 private:
  Env& target_;
};

}  // namespace idsync
