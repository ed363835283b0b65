#include "connectors/http/logging.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/url.h"
#include "core/text.h"

namespace idsync {
namespace {

constexpr std::string_view kCredentialHeaders[] = {
    "Authorization", "Proxy-Authorization", "X-API-KEY", "X-API-SECRET", "Cookie",
    "Set-Cookie"};

std::size_t Slot(int http_status) {
  return http_status >= 100 && http_status < 600 ? static_cast<std::size_t>(http_status) : 0;
}

}  // namespace

bool IsCredentialHeader(std::string_view name) {
  return std::ranges::any_of(kCredentialHeaders,
                             [&](std::string_view h) { return HeaderNameEquals(h, name); });
}

std::string FormatHeadersForLog(const HttpHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += ", ";
    out += name + ": " + (IsCredentialHeader(name) ? Redact(value) : value);
  }
  return out;
}

void RequestCounters::Record(int http_status) {
  counts_[Slot(http_status)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t RequestCounters::Count(int http_status) const {
  return counts_[Slot(http_status)].load(std::memory_order_relaxed);
}

std::map<int, std::uint64_t> RequestCounters::Snapshot() const {
  std::map<int, std::uint64_t> out;
  for (std::size_t code = 0; code < counts_.size(); ++code) {
    if (const auto n = counts_[code].load(std::memory_order_relaxed); n > 0) {
      out[static_cast<int>(code)] = n;
    }
  }
  return out;
}

LoggingHttpClient::LoggingHttpClient(HttpClient& inner, std::string label,
                                     std::shared_ptr<spdlog::logger> logger,
                                     SteadyClock clock)
    : inner_(inner),
      label_(std::move(label)),
      logger_(std::move(logger)),
      clock_(clock ? std::move(clock)
                   : SteadyClock([] { return std::chrono::steady_clock::now(); })) {}

std::vector<std::string> CredentialValues(const HttpRequest& request) {
  std::vector<std::string> values;
  for (const auto& [name, value] : request.headers) {
    if (!IsCredentialHeader(name)) continue;
    values.push_back(value);
    if (auto space = value.find(' '); space != std::string::npos) values.push_back(value.substr(space + 1));
  }
  std::erase_if(values, [](const std::string& v) { return v.size() < kMinScrubbedSecret; });
  // Longest first, so a whole "Bearer <token>" goes before its token alone.
  std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return values;
}

void ScrubEchoedCredentials(const HttpRequest& request, HttpResponse& response) {
  if (response.body.empty()) return;
  for (const std::string& secret : CredentialValues(request)) {
    constexpr std::string_view kRedacted = "(redacted)";
    for (auto at = response.body.find(secret); at != std::string::npos;
         at = response.body.find(secret, at + kRedacted.size())) {
      response.body.replace(at, secret.size(), kRedacted);
    }
  }
}

StatusOr<HttpResponse> LoggingHttpClient::Send(const HttpRequest& request) {
  const auto start = clock_();
  StatusOr<HttpResponse> outcome = inner_.Send(request);
  if (outcome.ok()) ScrubEchoedCredentials(request, *outcome);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_() - start);
  counters_.Record(outcome.ok() ? outcome->status : 0);

  spdlog::logger& log = logger_ ? *logger_ : *spdlog::default_logger();
  if (!log.should_log(spdlog::level::debug)) return outcome;
  const std::string url = UrlForLog(request.url);
  const std::string headers = FormatHeadersForLog(request.headers);
  if (outcome.ok()) {
    log.debug("{}: {} {} -> {} in {} (request {} bytes, response {} bytes; headers: {})",
              label_, request.method, url, outcome->status, FormatDuration(elapsed),
              request.body.size(),
              outcome->body_read || outcome->body_dropped ? outcome->body_bytes : outcome->body.size(),
              headers);
  } else {
    // Transport messages carry the URL and curl's words, never headers or bodies.
    log.debug("{}: {} {} -> failed in {}: {} (request {} bytes; headers: {})", label_,
              request.method, url, FormatDuration(elapsed), outcome.status().ToString(),
              request.body.size(), headers);
  }
  return outcome;
}

}  // namespace idsync
