// Building connectors and the HTTP stack they share (STYLE: google-cloud-cpp's stub
// factory: default transport, then logging, then retry, stacked in one place; every
// connector then wrapped once in GuardedConnector).
#pragma once

#include <memory>
#include <string>

#include "config/manifest.h"
#include "connectors/connector.h"
#include "connectors/connector_env.h"
#include "connectors/http/engine.h"
#include "connectors/http/http_client.h"
#include "connectors/http/logging.h"
#include "connectors/http/retry.h"

namespace idsync {

// The connector for `config.type`, wrapped in GuardedConnector (refusals, secrets
// scrubbed from every Status: every credential read through `secrets` is scrubbed).
// Fails when a credential cannot be read, or FailedPrecondition "connector for type X
// is not built yet" for types not built yet.
StatusOr<std::unique_ptr<Connector>> MakeConnector(const PlatformConfig& config,
                                                   const SecretReader& secrets, ConnectorEnv env);

// engine lane -> logging/counting -> retry, owned together (the lane belongs to its
// engine). Send goes through the retry layer, so every attempt is logged and
// counted, and every attempt waits its turn in the lane (concurrency, rate, pauses).
//
// Thread-safety: Send, counters() and lane_stats() are safe from any number of
// threads at once.
class HttpStack : public HttpClient {
 public:
  // REQUIRES: `lane` (its engine) outlives this stack.
  // REQUIRES: `sleeper` and `clock` are not null (retry.h). `steady_now` times each
  // attempt in the request log (null: logging.h's default).
  HttpStack(HttpLane& lane, std::string label, RetryPolicy policy, Backoff backoff,
            Sleeper sleeper, WallClock clock, SteadyClock steady_now = nullptr);

  StatusOr<HttpResponse> Send(const HttpRequest& request) override { return retry_.Send(request); }
  // Requests per HTTP status (0 = no answer) sent through this stack, for
  // idsync_api_requests_total.
  const RequestCounters& counters() const { return logging_.counters(); }
  // The lane's own counters since it was made (it outlives stacks: a platform's
  // lane is shared by every stack built for it), for benchmarks.
  LaneStats lane_stats() const { return lane_.Stats(); }

 private:
  HttpLane& lane_;
  LoggingHttpClient logging_;
  RetryingHttpClient retry_;
};

// The lane options of one platform instance: its name, `concurrency`, `rate_limit`,
// `timeout` per request (connect timeout at most 10 s) and `tls.ca_file`.
LaneOptions LaneOptionsFor(const PlatformConfig& config);

// The default stack for one platform instance: its lane of `engine`, logs labelled
// with its name, the default retry policy and backoff, waiting and jittering through
// `clock` (the Env's: Env::TransportFor). Building it again for the same platform
// keeps the lane and what it learnt. REQUIRES: `engine` and what `clock` calls outlive
// the stack.
std::unique_ptr<HttpStack> MakeHttpStack(const PlatformConfig& config, HttpEngine& engine,
                                         RetryClock clock);

}  // namespace idsync
