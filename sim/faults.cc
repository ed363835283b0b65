#include "sim/faults.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kKeys[] = {"latency_ms", "latency_jitter_ms", "error_rate", "timeout_rate", "hang_ms",
                                 "reset_rate", "malformed_rate",    "rate_limit", "after_effect", "seed"};

std::string Millis(const json& value, const std::string& key, int64_t* out) {
  if (!value.is_number_integer() || value.get<int64_t>() < 0) return key + " must be a whole number of milliseconds >= 0";
  *out = value.get<int64_t>();
  return "";
}

std::string Rate(const json& value, const std::string& key, double* out) {
  if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
    return key + " must be a probability between 0 and 1";
  }
  *out = value.get<double>();
  return "";
}

std::string ReadRateLimit(const json& value, std::optional<RateLimit>* out) {
  if (value.is_null()) return "";
  if (!value.is_object()) return "rate_limit must be {\"per_second\": N, \"burst\": N}";
  RateLimit limit;
  for (const auto& [key, v] : value.items()) {
    if (key != "per_second" && key != "burst") return "rate_limit has no key \"" + key + "\"";
    if (!v.is_number() || v.get<double>() <= 0) return "rate_limit." + key + " must be a number > 0";
  }
  if (!value.contains("per_second")) return "rate_limit.per_second is required";
  limit.per_second = value["per_second"].get<double>();
  limit.burst = value.contains("burst") ? value["burst"].get<double>() : std::max(1.0, limit.per_second);
  if (limit.burst < 1) return "rate_limit.burst must be >= 1";
  *out = limit;
  return "";
}

std::string ReadErrorRate(const json& value, std::map<int, double>* out) {
  if (!value.is_object()) return "error_rate must be an object {\"<status>\": probability}";
  for (const auto& [key, v] : value.items()) {
    int status = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), status);
    if (ec != std::errc() || end != key.data() + key.size() || status < 400 || status > 599) {
      return "error_rate key \"" + key + "\" must be an HTTP status from 400 to 599";
    }
    if (std::string e = Rate(v, "error_rate." + key, &(*out)[status]); !e.empty()) return e;
  }
  return "";
}

}  // namespace

std::variant<FaultConfig, std::string> ParseFaultConfig(const json& body) {
  if (!body.is_object()) return std::string("faults must be an object");
  FaultConfig c;
  std::string e;
  for (const auto& [key, value] : body.items()) {
    if (std::ranges::find(kKeys, key) == std::end(kKeys)) return "faults have no key \"" + key + "\"";
    if (key == "latency_ms") e = Millis(value, key, &c.latency_ms);
    if (key == "latency_jitter_ms") e = Millis(value, key, &c.latency_jitter_ms);
    if (key == "hang_ms") e = Millis(value, key, &c.hang_ms);
    if (key == "error_rate") e = ReadErrorRate(value, &c.error_rate);
    if (key == "timeout_rate") e = Rate(value, key, &c.timeout_rate);
    if (key == "reset_rate") e = Rate(value, key, &c.reset_rate);
    if (key == "malformed_rate") e = Rate(value, key, &c.malformed_rate);
    if (key == "rate_limit") e = ReadRateLimit(value, &c.rate_limit);
    if (key == "after_effect") {
      if (!value.is_boolean()) e = "after_effect must be true or false";
      else c.after_effect = value.get<bool>();
    }
    if (key == "seed" && !value.is_null()) {
      if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<int64_t>() < 0)) {
        e = "seed must be a whole number >= 0";
      } else {
        c.seed = value.get<uint64_t>();
      }
    }
    if (!e.empty()) return e;
  }
  double sum = c.timeout_rate + c.reset_rate + c.malformed_rate;
  for (const auto& [status, rate] : c.error_rate) sum += rate;
  if (sum > 1 + 1e-9) return std::string("error, timeout, reset and malformed rates add up to more than 1");
  return c;
}

json FaultConfigJson(const FaultConfig& c) {
  json errors = json::object();
  for (const auto& [status, rate] : c.error_rate) errors[std::to_string(status)] = rate;
  json limit = nullptr;
  if (c.rate_limit) limit = {{"per_second", c.rate_limit->per_second}, {"burst", c.rate_limit->burst}};
  return {{"latency_ms", c.latency_ms},         {"latency_jitter_ms", c.latency_jitter_ms},
          {"error_rate", errors},               {"timeout_rate", c.timeout_rate},
          {"hang_ms", c.hang_ms},               {"reset_rate", c.reset_rate},
          {"malformed_rate", c.malformed_rate}, {"rate_limit", limit},
          {"after_effect", c.after_effect},     {"seed", c.seed ? json(*c.seed) : json(nullptr)}};
}

FaultInjector::FaultInjector(Clock clock) : clock_(std::move(clock)) { Set(FaultConfig{}); }

void FaultInjector::Set(const FaultConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
  rng_.seed(config.seed ? *config.seed : std::random_device{}());
  tokens_ = config.rate_limit ? config.rate_limit->burst : 0;
  refilled_ = clock_();
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

bool FaultInjector::TakeToken(double* wait_s) {
  const RateLimit& limit = *config_.rate_limit;
  auto now = clock_();
  double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ = std::min(limit.burst, tokens_ + elapsed * limit.per_second);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  *wait_s = (1 - tokens_) / limit.per_second;
  return false;
}

FaultDecision FaultInjector::Decide() {
  std::lock_guard lock(mu_);
  ++received_;
  FaultDecision d;
  int64_t latency = config_.latency_ms;
  if (config_.latency_jitter_ms > 0) {
    latency += std::uniform_int_distribution<int64_t>(0, config_.latency_jitter_ms)(rng_);
  }
  d.latency = std::chrono::milliseconds(latency);

  double wait_s = 0;
  if (config_.rate_limit && !TakeToken(&wait_s)) {
    ++rate_limited_;
    const auto now = clock_();
    if (!first_limited_answered_) first_limited_answered_ = now + d.latency;
    else if (now >= *first_limited_answered_) ++rate_limited_after_first_;
    d.kind = FaultDecision::Kind::kRateLimited;
    d.status = 429;
    d.retry_after_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_s)));
    return d;
  }
  double u = std::uniform_real_distribution<double>(0, 1)(rng_);
  for (const auto& [status, rate] : config_.error_rate) {
    if (u < rate) {
      ++errors_[status];
      d.kind = FaultDecision::Kind::kError;
      d.status = status;
      return d;
    }
    u -= rate;
  }
  d.after_effect = config_.after_effect;
  if (u < config_.timeout_rate) {
    ++timeouts_;
    d.kind = FaultDecision::Kind::kTimeout;
    d.hang = std::chrono::milliseconds(config_.hang_ms);
    return d;
  }
  u -= config_.timeout_rate;
  if (u < config_.reset_rate) {
    ++resets_;
    d.kind = FaultDecision::Kind::kReset;
    return d;
  }
  u -= config_.reset_rate;
  if (u < config_.malformed_rate) {
    ++malformed_;
    d.kind = FaultDecision::Kind::kMalformed;
    return d;
  }
  ++passed_;
  d.after_effect = false;
  return d;
}

json FaultInjector::Counters() const {
  std::lock_guard lock(mu_);
  json errors = json::object();
  for (const auto& [status, n] : errors_) errors[std::to_string(status)] = n;
  return {{"received", received_}, {"passed", passed_}, {"rate_limited", rate_limited_},
          {"rate_limited_after_first", rate_limited_after_first_}, {"errors", errors},
          {"timeouts", timeouts_}, {"resets", resets_}, {"malformed", malformed_}};
}

void FaultInjector::ResetCounters() {
  std::lock_guard lock(mu_);
  received_ = passed_ = rate_limited_ = timeouts_ = resets_ = malformed_ = 0;
  rate_limited_after_first_ = 0;
  first_limited_answered_.reset();
  errors_.clear();
}

bool FaultInjector::Sleep(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, duration, [this] { return shutdown_; });
}

void FaultInjector::Shutdown() {
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
  }
  wake_.notify_all();
}

}  // namespace idsync::sim
