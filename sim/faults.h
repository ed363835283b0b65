// Fault injection for one simulated platform (SPEC §7): latency, errors by status,
// hangs, connection resets, malformed answers and a server-side rate limit.
//
// A FaultConfig is plain data read from JSON (the body of POST /_sim/faults and the
// seed's `<platform>.faults` section, which has the same keys):
//   {"latency_ms": 20, "latency_jitter_ms": 10,
//    "error_rate": {"500": 0.2, "503": 0.05},   // per status code, 400..599
//    "timeout_rate": 0.05, "hang_ms": 10000,   // hang this long, then close unanswered
//    "reset_rate": 0.01,                        // close the connection unanswered (RST)
//    "malformed_rate": 0.01,                    // 200 with a truncated JSON body
//    "rate_limit": {"per_second": 100, "burst": 10},  // token bucket; 429 + Retry-After
//    "after_effect": false,                     // see below
//    "seed": 42}                                // RNG seed; absent: random
// All rates are probabilities; error, timeout, reset and malformed rates are exclusive
// outcomes of one draw, so their sum must be <= 1.
//
// after_effect false (default): every fault happens before the platform sees the
// request, so a faulted request has no effect. after_effect true: timeouts, resets and
// malformed answers happen after the platform applied the request (the answer is
// lost); errors and 429s still happen before.
//
// Thread-safety: FaultInjector is safe to call from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace idsync::sim {

struct RateLimit {
  double per_second = 0;  // > 0
  double burst = 0;       // bucket size, >= 1; default per_second (at least 1)

  bool operator==(const RateLimit&) const = default;
};

struct FaultConfig {
  int64_t latency_ms = 0;
  int64_t latency_jitter_ms = 0;  // uniform extra delay in [0, jitter]
  std::map<int, double> error_rate;
  double timeout_rate = 0;
  int64_t hang_ms = 10000;
  double reset_rate = 0;
  double malformed_rate = 0;
  std::optional<RateLimit> rate_limit;
  bool after_effect = false;
  std::optional<uint64_t> seed;

  bool operator==(const FaultConfig&) const = default;
};

// The config in `body`, or an error naming the offending key. Unknown keys are errors.
// An empty object is "no faults".
std::variant<FaultConfig, std::string> ParseFaultConfig(const nlohmann::json& body);
// The config as JSON, every key present; ParseFaultConfig(FaultConfigJson(c)) == c.
nlohmann::json FaultConfigJson(const FaultConfig& config);

// What to do with one request.
struct FaultDecision {
  enum class Kind { kPass, kError, kRateLimited, kTimeout, kReset, kMalformed };
  Kind kind = Kind::kPass;
  int status = 200;                            // kError: the status; kRateLimited: 429
  int64_t retry_after_s = 0;                   // kRateLimited: whole seconds, >= 1
  std::chrono::milliseconds latency{0};        // wait this long before answering
  std::chrono::milliseconds hang{0};           // kTimeout: then close unanswered
  bool after_effect = false;                   // kTimeout/kReset/kMalformed: apply first
};

class FaultInjector {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit FaultInjector(Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Replaces the config (the token bucket starts full; the RNG is reseeded). Counters stay.
  void Set(const FaultConfig& config);
  FaultConfig config() const;

  // Draws the fate of one request and counts it.
  FaultDecision Decide();

  // {"received", "passed", "rate_limited", "rate_limited_after_first", "errors":
  //  {"500": n}, "timeouts", "resets", "malformed"}: requests the fault layer saw and
  //  what it did with them. rate_limited_after_first counts the 429s for requests that
  //  arrived after the first 429 had been answered (its decision plus its latency):
  //  on loopback, requests the client sent after it had received the first 429.
  nlohmann::json Counters() const;
  void ResetCounters();

  // Sleeps `duration` or until Shutdown(); returns false when cut short by Shutdown().
  bool Sleep(std::chrono::milliseconds duration);
  // Wakes every Sleep() now and makes later ones return at once (server stopping).
  void Shutdown();

 private:
  bool TakeToken(double* wait_s);  // REQUIRES: mu_ held

  Clock clock_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  bool shutdown_ = false;
  FaultConfig config_;
  std::mt19937_64 rng_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_;
  int64_t received_ = 0, passed_ = 0, rate_limited_ = 0, timeouts_ = 0, resets_ = 0, malformed_ = 0;
  int64_t rate_limited_after_first_ = 0;
  std::optional<std::chrono::steady_clock::time_point> first_limited_answered_;
  std::map<int, int64_t> errors_;
};

}  // namespace idsync::sim
