// One real-socket test of CurlHttpClient against cpp-httplib on 127.0.0.1.
#include "connectors/http/curl_client.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace idsync {
namespace {

using namespace std::chrono_literals;

class LoopbackServer {
 public:
  LoopbackServer() {
    server_.Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen-Agent", req.get_header_value("User-Agent"));
      res.set_header("X-Seen-Custom", req.get_header_value("X-Custom"));
      res.set_content("hello", "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_content(req.body, req.get_header_value("Content-Type").c_str());
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(600ms);
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket already listens (bind_to_any_port); wait for the accept loop anyway.
    for (int i = 0; i < 1000 && !server_.is_running(); ++i) std::this_thread::sleep_for(1ms);
  }
  ~LoopbackServer() { Stop(); }

  void Stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const char* path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_CASE("curl client round-trips GET and POST, times out, and reports refused connections") {
  LoopbackServer server;
  CurlOptions options;
  options.connect_timeout = 1s;
  options.timeout = 2s;
  auto client_owner = std::make_unique<CurlHttpClient>(options);
  CurlHttpClient& client = *client_owner;

  HttpRequest get;
  get.url = server.Url("/hello");
  get.headers = {{"X-Custom", "yes"}};
  StatusOr<HttpResponse> hello = client.Send(get);
  REQUIRE(hello.ok());
  CHECK(hello->status == 200);
  CHECK(hello->body == "hello");
  CHECK(hello->Header("x-seen-agent") == DefaultUserAgent());
  CHECK(hello->Header("X-Seen-Custom") == "yes");
  CHECK(DefaultUserAgent().starts_with("idsync/"));

  HttpRequest post;
  post.method = "POST";
  post.url = server.Url("/echo");
  post.headers = {{"Content-Type", "application/json"}};
  post.body = R"({"query":"q"})";
  StatusOr<HttpResponse> echo = client.Send(post);
  REQUIRE(echo.ok());
  CHECK(echo->status == 201);
  CHECK(echo->body == post.body);
  CHECK(echo->Header("Content-Type") == "application/json");

  HttpRequest missing;
  missing.url = server.Url("/nowhere");
  StatusOr<HttpResponse> not_found = client.Send(missing);
  REQUIRE(not_found.ok());  // an HTTP answer is not a transport failure
  CHECK(not_found->status == 404);

  // Several threads share one client (the handle pool).
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        StatusOr<HttpResponse> r = client.Send(get);
        if (r.ok() && r->body == "hello") ++answered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(answered == 20);

  HttpRequest slow;
  slow.url = server.Url("/slow");
  slow.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  StatusOr<HttpResponse> late = client.Send(slow);
  CHECK(std::chrono::steady_clock::now() - start < 550ms);
  CHECK(late.status().code() == StatusCode::kDeadlineExceeded);
  CHECK(late.status().message().starts_with("GET " + server.Url("/slow") + ": timed out after 200ms"));

  const std::string refused_url = server.Url("/hello");
  client_owner.reset();  // closes its kept-alive connections, so the server stops at once
  server.Stop();
  HttpRequest refused;
  refused.url = refused_url;
  StatusOr<HttpResponse> down = CurlHttpClient(options).Send(refused);
  CHECK(down.status().code() == StatusCode::kUnavailable);
  CHECK(down.status().message().starts_with("GET " + refused_url + ": "));
}

}  // namespace
}  // namespace idsync
