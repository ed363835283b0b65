// Building connectors and the HTTP stack they share (STYLE: google-cloud-cpp's stub
// factory: default transport, then logging, then retry, stacked in one place).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/manifest.h"
#include "connectors/connector.h"
#include "connectors/http/curl_client.h"
#include "connectors/http/http_client.h"
#include "connectors/http/logging.h"
#include "connectors/http/retry.h"

namespace idsync {

// What every connector shares. The caller owns it and keeps it alive as long as the
// connectors built with it.
struct ConnectorEnv {
  HttpClient* http = nullptr;
};

// Reads one credential of a platform ("api_key"), so this layer does not depend on how
// config reads secrets. Failures name the platform and the variable or file, never
// the value.
using SecretReader =
    std::function<StatusOr<std::string>(const PlatformConfig&, const std::string& key)>;

// The connector for `config.type`. Fails when a credential cannot be read, or
// FailedPrecondition "connector for type X is not built yet" for types not built yet.
StatusOr<std::unique_ptr<Connector>> MakeConnector(const PlatformConfig& config,
                                                   const SecretReader& secrets, ConnectorEnv env);

// curl -> logging/counting -> retry, owned together. Send goes through the retry layer,
// so every attempt is logged and counted.
class HttpStack : public HttpClient {
 public:
  HttpStack(CurlOptions curl, std::string label, RetryPolicy policy, Backoff backoff,
            Sleeper sleeper = RealSleeper());

  StatusOr<HttpResponse> Send(const HttpRequest& request) override { return retry_.Send(request); }
  // Requests per HTTP status (0 = no answer), for idsync_api_requests_total.
  const RequestCounters& counters() const { return logging_.counters(); }

 private:
  CurlHttpClient curl_;
  LoggingHttpClient logging_;
  RetryingHttpClient retry_;
};

// The default stack for one platform instance: its `timeout` per request, its
// `tls.ca_file`, logs labelled with its name, the default retry policy and backoff.
std::unique_ptr<HttpStack> MakeHttpStack(const PlatformConfig& config);

}  // namespace idsync
