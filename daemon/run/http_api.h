// The daemon's HTTP listener (SPEC §5), on cpp-httplib:
//   GET  /healthz        200 "ok" while the process serves
//   GET  /readyz         200 once ready (first valid manifest, state open), else 503
//   GET  /metrics        Prometheus text exposition format
//   GET  /v1/status      JSON (see ApiHandlers::status)
//   POST /v1/reconcile   marks every platform pending; 202. Needs
//                        "Authorization: Bearer <token>" when a token is set (else 401)
//
// Thread-safety: Listen, Start and Stop from one thread; handlers run on httplib's
// worker threads and must be thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace httplib {
class Server;
}

namespace idsync {

struct ListenAddress {
  std::string host;  // as written, without brackets
  int port = 0;
};
// "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:0"; port 0 picks a free one.
StatusOr<ListenAddress> ParseListen(const std::string& text);
// 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& host);
// The token rule: a loopback listener needs none; any other needs a non-empty token
// (IDSYNC_API_TOKEN), else FailedPrecondition naming the variable.
Status CheckTokenRule(const ListenAddress& address, const std::optional<std::string>& token);

struct ApiHandlers {
  std::function<bool()> ready;
  std::function<std::string()> metrics;
  std::function<nlohmann::json()> status;
  std::function<void()> reconcile;
};

class ApiServer {
 public:
  // token: when set, POST /v1/reconcile requires it as a Bearer token.
  ApiServer(ApiHandlers handlers, std::optional<std::string> token);
  ~ApiServer();  // Stop()

  // Binds (port 0: a free port). The error names the address.
  Status Listen(const ListenAddress& address);
  int port() const { return port_; }
  void Start();  // serves on its own thread; REQUIRES Listen succeeded
  void Stop();   // idempotent

 private:
  void Routes();

  ApiHandlers handlers_;
  std::optional<std::string> token_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace idsync
