#include "state/pg_uri.h"

#include <cstring>

namespace idsync {
namespace {

uint64_t Fnv1a64(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

int64_t AsSigned(uint64_t value) {
  int64_t out;
  std::memcpy(&out, &value, sizeof out);
  return out;
}

// Replaces the value of every "key=value" query parameter whose key is secret.
std::string RedactQuery(const std::string& query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string param = query.substr(start, end - start);
    const size_t eq = param.find('=');
    const std::string key = param.substr(0, eq);
    if (eq != std::string::npos && (key == "password" || key == "sslpassword")) {
      param = key + "=***";
    }
    out += param;
    if (end == query.size()) break;
    out += '&';
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string RedactUri(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const size_t authority = scheme + 3;
  size_t query = uri.find('?', authority);
  std::string head = uri.substr(0, query);
  const std::string tail = query == std::string::npos ? "" : uri.substr(query + 1);
  const size_t at = head.rfind('@');
  if (at != std::string::npos && at >= authority) {
    const size_t colon = head.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      head = head.substr(0, colon) + ":***" + head.substr(at);
    }
  }
  if (query == std::string::npos) return head;
  return head + "?" + RedactQuery(tail);
}

PgKeywords PostgresKeywords(const std::string& uri) {
  return {
      {"keepalives", "1"},          {"keepalives_idle", "5"},
      {"keepalives_interval", "2"}, {"keepalives_count", "3"},
      {"tcp_user_timeout", "10000"}, {"connect_timeout", "10"},
      // The same on the server's side of the socket, so the server drops (and unlocks)
      // the session of a leader whose host vanished within seconds, not hours.
      {"options", "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 "
                  "-c tcp_user_timeout=10000"},
      {"application_name", "idsync"},
      {"dbname", uri},  // last but one: what the URI sets overrides the above
  };
}

int64_t PlatformLockKey(const std::string& platform) {
  return AsSigned(Fnv1a64("idsync/platform/" + platform));
}

std::pair<std::string, std::string> PgLockIds(int64_t key) {
  const auto bits = static_cast<uint64_t>(key);
  return {std::to_string(bits >> 32), std::to_string(bits & 0xffffffffu)};
}

int64_t MigrationLockKey() { return AsSigned(Fnv1a64("idsync/schema-migration")); }

}  // namespace idsync
