#include "daemon/apply/locks.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/text.h"

namespace idsync {

bool IsPostgresState(const std::string& state) {
  return state.rfind("postgresql://", 0) == 0 || state.rfind("postgres://", 0) == 0;
}

std::string StateForLogs(const std::string& state) {
  if (!IsPostgresState(state)) return state;
  std::string out = state;
  const auto scheme_end = out.find("://") + 3;
  // The user info ends at the last '@' before the query: a raw '@' or '/' in a password
  // over-redacts rather than leaks.
  const auto query = out.find('?', scheme_end);
  const auto at = out.rfind('@', query);
  const auto colon = out.find(':', scheme_end);
  if (at != std::string::npos && at >= scheme_end && colon != std::string::npos && colon < at)
    out.replace(colon + 1, at - colon - 1, "REDACTED");
  for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const std::size_t value = p + 9;
    const std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "REDACTED");
  }
  return out;
}

std::string ReplicaIdentity(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || !*host) std::snprintf(host, sizeof host, "unknown");
  return std::string(host) + ":" + std::to_string(getpid());
}

StatusOr<std::vector<std::unique_ptr<StoreLock>>> LockPlatforms(Store& store,
                                                                const std::vector<std::string>& platforms,
                                                                const std::string& identity,
                                                                std::chrono::milliseconds timeout,
                                                                const std::function<void(const std::string&)>& waiting) {
  std::vector<std::unique_ptr<StoreLock>> locks;
  for (const auto& platform : platforms) {
    auto lock = store.Lock(platform, LockOptions{identity, std::chrono::milliseconds(0)});
    if (!lock.ok() && lock.status().code() == StatusCode::kUnavailable && timeout.count() > 0) {
      if (waiting) waiting("waiting up to " + FormatDuration(timeout) + " for the lock: " + lock.status().message());
      lock = store.Lock(platform, LockOptions{identity, timeout});
    }
    if (!lock.ok()) return lock.status();
    locks.push_back(std::move(*lock));
  }
  return locks;
}

}  // namespace idsync
