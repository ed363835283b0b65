// The one HTTP engine of a process: a background thread driving one libcurl multi
// handle, so every platform's requests share its connection cache (keep-alive,
// HTTP/2 multiplexing), DNS cache and TLS sessions. Each platform instance sends
// through its own lane, which holds at most `concurrency` requests in flight, spaces
// them by a token bucket at the configured rate_limit, and adapts to 429s
// (rate_control.h: pause until Retry-After, AIMD below the refusal point). Every
// connector request goes through a lane; nothing else talks to libcurl.
//
// A lane's Send blocks the calling thread until its transfer completes; requests wait
// in the lane's queue (first in, first out) while the lane is full, paused or out of
// tokens. The request's timeout (or the lane's) counts from when the transfer starts,
// not from when it was queued. Errors follow http_client.h and transfer.h exactly;
// Send never retries (RetryingHttpClient does, on top).
//
// A request with a BodyReader has its 2xx body read on the thread in Send while it
// arrives (body_stream.h): the engine thread hands over a few chunks at a time and
// pauses the transfer while the reader is behind, so the transfer's timeout also
// counts the reader's time.
//
// Thread-safety: HttpEngine and HttpLane are safe to use from any number of threads
// at once. Lanes are owned by their engine and live as long as it does.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connectors/http/http_client.h"
#include "connectors/http/transfer.h"

namespace idsync {

struct LaneOptions {
  std::string name;                        // the platform instance ("astro")
  int concurrency = 8;                     // requests in flight at most (>= 1)
  std::optional<double> rate_limit;        // requests/s; nullopt: adapt to 429s only
  TransferOptions transfer;                // timeouts, CA file, User-Agent
};

// What one lane has done since it was created, for tests and benchmarks.
struct LaneStats {
  std::uint64_t sent = 0;       // transfers started
  std::uint64_t throttled = 0;  // 429 answers
  // 429 answers to requests sent after the first 429 had been received: zero when
  // the lane found the platform's limit from its first refusal.
  std::uint64_t throttled_after_first = 0;
  int max_in_flight = 0;        // the most transfers in flight at once
  double rate = 0;              // requests/s now (infinity: no limit yet)
  double ceiling = 0;           // the refusal rate learnt (infinity: none yet)
  std::uint64_t streamed = 0;   // 2xx bodies handed to a BodyReader as they arrived
  std::size_t max_body_held = 0;  // the most bytes of one such body held at once
};

class HttpEngine;
struct LaneState;        // engine.cc: one lane's queue, rate and counters
struct PendingTransfer;  // engine.cc: one Send waiting for its transfer
class BodyStream;

class HttpLane : public HttpClient {
 public:
  StatusOr<HttpResponse> Send(const HttpRequest& request) override;
  LaneStats Stats() const;
  const std::string& name() const { return name_; }

 private:
  friend class HttpEngine;
  HttpLane(HttpEngine& engine, LaneState& state, std::string name)
      : engine_(engine), state_(state), name_(std::move(name)) {}

  HttpEngine& engine_;
  LaneState& state_;
  const std::string name_;
};

class HttpEngine {
 public:
  // Starts the engine thread. When libcurl cannot make a multi handle (out of
  // memory), every Send fails with kInternal.
  // One per process, owned by its Env (daemon/env.h), never a global.
  HttpEngine();

  // Fails every queued and in-flight request with kUnavailable, stops the thread.
  // REQUIRES: no thread uses one of its lanes afterwards.
  ~HttpEngine();
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  // The lane named `options.name`, made on first use. Asked again with the same name
  // (a manifest reload), the lane takes the new options and keeps what it learnt
  // from 429s. The reference stays valid as long as the engine.
  HttpLane& Lane(const LaneOptions& options);

 private:
  friend class HttpLane;

  StatusOr<HttpResponse> Submit(LaneState& lane, const HttpRequest& request);
  // Runs `reader` over the body as it arrives, then waits for the outcome.
  StatusOr<HttpResponse> AwaitRead(PendingTransfer& pending, BodyStream& stream, BodyReader& reader);
  LaneStats StatsOf(const LaneState& lane) const;
  void Run();
  // REQUIRES mu_: moves what may start now from the lanes' queues into `start`;
  // returns when to look again (time_point::max(): only a completion or a new
  // request can change anything).
  std::chrono::steady_clock::time_point TakeStartable(std::vector<PendingTransfer*>& start);
  // Lane bookkeeping (in flight, 429s), then wakes the waiting Send.
  void Complete(PendingTransfer& pending, StatusOr<HttpResponse> outcome);

  void* const multi_;  // CURLM*, used only by the engine thread (but for wakeup)
  mutable std::mutex mu_;
  bool stopping_ = false;                                   // guarded by mu_
  std::map<std::string, std::unique_ptr<LaneState>> lanes_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace idsync
