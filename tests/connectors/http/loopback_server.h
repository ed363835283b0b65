// A cpp-httplib server on 127.0.0.1 for engine tests, with room for many connections
// (httplib gives each kept-alive connection a thread of its pool).
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace idsync::testing {

class LoopbackServer {
 public:
  // Register routes on server() first, then Start().
  LoopbackServer() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  }
  ~LoopbackServer() { Stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  httplib::Server& server() { return server_; }

  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket already listens (bind_to_any_port); wait for the accept loop anyway.
    for (int i = 0; i < 1000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  // REQUIRES: the clients' kept-alive connections are closed first (the engine that
  // made them is gone), else stopping waits for httplib's keep-alive timeout.
  void Stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace idsync::testing
