// A cpp-httplib server answering POST /graphql from a script, in pieces, optionally
// dropping the connection midway: for the tests of bodies read as they arrive.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/http/engine.h"
#include "loopback_server.h"

namespace idsync::testing {

// One scripted answer: sent in pieces of `piece` bytes; after `cut_at` bytes (when not
// 0) the connection is dropped without the rest.
struct Scripted {
  int status = 200;
  std::string body;
  std::size_t piece = 1000;
  std::size_t cut_at = 0;
  // Called before the connection is dropped (the client must have read some first:
  // data unread when the connection goes may be lost with it).
  std::function<void()> before_cut;
};

// A server answering POST /graphql from a script, and counting what it wrote.
class ScriptedServer {
 public:
  ScriptedServer() {
    loopback_.server().Post("/graphql", [this](const httplib::Request&, httplib::Response& res) {
      Scripted next;
      {
        std::lock_guard lock(mu_);
        ++requests_;
        if (!script_.empty()) {
          next = std::move(script_.front());
          script_.pop_front();
        }
      }
      res.status = next.status;
      auto answer = std::make_shared<Scripted>(std::move(next));
      // A type httplib does not compress: a compressor holds bytes back, and a test
      // that drops the connection needs them on their way to the client.
      res.set_chunked_content_provider("application/graphql-response+json", [this, answer](std::size_t offset, httplib::DataSink& sink) {
        const Scripted& a = *answer;
        if (a.cut_at != 0 && offset >= a.cut_at) {
          if (a.before_cut) a.before_cut();
          return false;  // drops the connection
        }
        if (offset >= a.body.size()) {
          sink.done();
          return true;
        }
        const std::size_t n = std::min(a.piece, a.body.size() - offset);
        const bool written = sink.write(a.body.data() + offset, n);
        written_ += n;
        cv_.notify_all();
        return written;
      });
    });
    loopback_.Start();
  }
  void Push(Scripted answer) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(answer));
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Waits (10 s at most) until the server has written at least `bytes`.
  bool WaitWritten(std::size_t bytes) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return written_.load() >= bytes; });
  }
  std::string Url() const { return loopback_.Url("/graphql"); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Scripted> script_;
  int requests_ = 0;
  std::atomic<std::size_t> written_{0};
  LoopbackServer loopback_;
};

// The lane the streaming tests send through: "ws", generous timeouts.
inline LaneOptions StreamLaneOptions() {
  using namespace std::chrono_literals;
  LaneOptions options;
  options.name = "ws";
  options.transfer.connect_timeout = 5s;
  options.transfer.timeout = 30s;
  return options;
}

}  // namespace idsync::testing
