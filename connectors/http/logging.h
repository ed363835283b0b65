// Logging and counting as a decorator. Each request is one debug line:
//   "astro: POST https://h.example/v1 -> 200 in 35ms (request 812 B, response 1.2 kB;
//    headers: Content-Type: application/json, X-API-KEY: (redacted))"
// The values of credential headers (Authorization, Proxy-Authorization, X-API-KEY,
// X-API-SECRET, Cookie, Set-Cookie) pass through Redact(); bodies are never logged,
// only their sizes, since an API can echo a credential back in a body. The URL is
// shown without user info or query. Every answer passes through
// ScrubEchoedCredentials before the caller sees it.
//
// Thread-safety: Send and RequestCounters are safe from any number of threads.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_client.h"

namespace spdlog {
class logger;
}

namespace idsync {

// True for header names whose values are credentials (case-insensitive).
bool IsCredentialHeader(std::string_view name);

// "Name: value, Name: (redacted)" for a log line.
std::string FormatHeadersForLog(const HttpHeaders& headers);

// The credentials `request` carries, longest first: each credential header's value and,
// after an auth scheme such as "Bearer ", its token; values shorter than
// kMinScrubbedSecret are left out.
std::vector<std::string> CredentialValues(const HttpRequest& request);

// Replaces in response.body every credential `request` carried (each credential
// header's value and, after an auth scheme such as "Bearer ", its token) by
// "(redacted)". An API that echoes the request in an error answer must not hand a
// credential to an error message, which may quote only part of it and so defeat
// ScrubSecrets. Values shorter than kMinScrubbedSecret are left alone.
void ScrubEchoedCredentials(const HttpRequest& request, HttpResponse& response);

// Requests by HTTP status code; code 0 counts transport failures (no answer).
class RequestCounters {
 public:
  void Record(int http_status);  // codes outside 100..599 count as 0
  std::uint64_t Count(int http_status) const;
  std::map<int, std::uint64_t> Snapshot() const;  // only codes seen at least once

 private:
  std::array<std::atomic<std::uint64_t>, 600> counts_{};
};

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

class LoggingHttpClient : public HttpClient {
 public:
  // REQUIRES: `inner` outlives this client. `label` starts every line (the platform
  // instance name). A null logger means spdlog's default logger at the time of
  // each call; a null clock means steady_clock::now.
  LoggingHttpClient(HttpClient& inner, std::string label,
                    std::shared_ptr<spdlog::logger> logger = nullptr,
                    SteadyClock clock = nullptr);

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  const RequestCounters& counters() const { return counters_; }

 private:
  HttpClient& inner_;
  const std::string label_;
  const std::shared_ptr<spdlog::logger> logger_;
  const SteadyClock clock_;
  RequestCounters counters_;
};

}  // namespace idsync
