// HttpClient over libcurl's easy interface. One easy handle per request in flight,
// taken from a pool and returned after, so connections (and TLS sessions) are reused.
// TLS peer and host verification are always on; `ca_file` adds trust, never removes
// it. HTTP/2 is used when the server offers it over TLS. Redirects are not followed.
//
// Errors (see http_client.h): timeouts kDeadlineExceeded; DNS, connect, send/receive
// failures and TLS handshake failures kUnavailable; a certificate that fails
// verification kFailedPrecondition "TLS certificate verification failed for <host>:
// <curl message>"; a CA file that cannot be read kFailedPrecondition; a malformed URL
// kInvalidArgument.
//
// Thread-safety: Send may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"

namespace idsync {

// "idsync/<version>".
std::string DefaultUserAgent();

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Total time per request when the request does not set its own.
  std::chrono::milliseconds timeout{30'000};
  std::optional<std::string> ca_file;  // PEM bundle trusted in addition to the system's
  std::string user_agent = DefaultUserAgent();
  std::size_t max_idle_handles = 16;   // pooled handles kept for reuse
};

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  void* Acquire();             // a CURL*, reset, from the pool or new; nullptr if none
  void Release(void* handle);  // back to the pool, or cleaned up when it is full

  const CurlOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // guarded by mu_
};

}  // namespace idsync
