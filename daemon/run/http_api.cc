#include "daemon/run/http_api.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <openssl/crypto.h>

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

namespace idsync {

StatusOr<ListenAddress> ParseListen(const std::string& text) {
  auto bad = [&] {
    return InvalidArgument("--listen " + text + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
  };
  ListenAddress a;
  std::string port;
  if (text.starts_with("[")) {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return bad();
    a.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad();
    a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || a.port < 0 ||
      a.port > 65535 || a.host.empty())
    return bad();
  return a;
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

Status CheckTokenRule(const ListenAddress& address, const std::optional<std::string>& token) {
  if (IsLoopback(address.host) || (token && !token->empty())) return OkStatus();
  return FailedPrecondition("--listen " + address.host + ":" + std::to_string(address.port) +
                            " is not a loopback address: set IDSYNC_API_TOKEN so POST "
                            "/v1/reconcile needs a bearer token, or listen on 127.0.0.1");
}

namespace {

// Constant-time comparison, so the token cannot be guessed byte by byte.
bool SameToken(const std::string& given, const std::string& want) {
  return given.size() == want.size() && CRYPTO_memcmp(given.data(), want.data(), want.size()) == 0;
}

}  // namespace

ApiServer::ApiServer(ApiHandlers handlers, std::optional<std::string> token)
    : handlers_(std::move(handlers)), token_(std::move(token)), server_(std::make_unique<httplib::Server>()) {
  server_->set_tcp_nodelay(true);
  // httplib's default adds SO_REUSEPORT, which would let a second daemon share the
  // port silently; SO_REUSEADDR alone still allows a quick restart.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<void*>(&yes), sizeof yes);
  });
  Routes();
}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::Routes() {
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    bool ready = handlers_.ready();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ready\n" : "not ready\n", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(handlers_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/v1/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(handlers_.status().dump(2) + "\n", "application/json");
  });
  server_->Post("/v1/reconcile", [this](const httplib::Request& req, httplib::Response& res) {
    if (token_) {
      std::string auth = req.get_header_value("Authorization");
      const std::string prefix = "Bearer ";
      if (!auth.starts_with(prefix) || !SameToken(auth.substr(prefix.size()), *token_)) {
        res.status = 401;
        res.set_header("WWW-Authenticate", "Bearer");
        res.set_content(R"({"error":"a valid bearer token is required"})" "\n", "application/json");
        spdlog::warn("api: POST /v1/reconcile from {} refused: missing or wrong bearer token",
                     req.remote_addr);
        return;
      }
    }
    handlers_.reconcile();
    res.status = 202;
    res.set_content(R"({"reconcile":"requested"})" "\n", "application/json");
  });
}

Status ApiServer::Listen(const ListenAddress& address) {
  if (address.port == 0) {
    port_ = server_->bind_to_any_port(address.host);
    if (port_ < 0) port_ = 0;
  } else if (server_->bind_to_port(address.host, address.port)) {
    port_ = address.port;
  }
  if (port_ <= 0)
    return Unavailable("cannot listen on " + address.host + ":" + std::to_string(address.port));
  return OkStatus();
}

void ApiServer::Start() {
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() only interrupts a server that runs: wait for that (the bound socket already
  // queues connections, so this is about shutdown, not readiness).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ApiServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace idsync
