#include "connectors/http/engine.h"

#include <curl/curl.h>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <deque>

#include "connectors/http/body_stream.h"
#include "connectors/http/logging.h"
#include "connectors/http/rate_control.h"
#include "connectors/http/retry.h"

namespace idsync {

using Clock = std::chrono::steady_clock;

struct LaneState {
  LaneOptions options;
  AdaptiveRate rate;
  std::deque<PendingTransfer*> queue;
  int in_flight = 0;
  bool draining = false;  // after a decrease: start nothing until in_flight is 0
  LaneStats stats;
  std::unique_ptr<HttpLane> lane;
};

// Lives on the stack of the Send that waits for it.
struct PendingTransfer {
  LaneState* lane = nullptr;
  std::unique_ptr<CurlTransfer> transfer;
  BodyStream* stream = nullptr;  // set when the request has a BodyReader
  Clock::time_point sent_at;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<StatusOr<HttpResponse>> outcome;  // guarded by mu

  // Hands the outcome to the waiting thread. After this returns, `this` may be gone.
  void Deliver(StatusOr<HttpResponse> result) {
    if (stream != nullptr) stream->End();  // a reader waiting for bytes stops waiting
    std::lock_guard lock(mu);
    outcome.emplace(std::move(result));
    cv.notify_one();  // under the lock: the waiter cannot return (and free us) before
  }
  StatusOr<HttpResponse> Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return outcome.has_value(); });
    return std::move(*outcome);
  }
};

StatusOr<HttpResponse> HttpLane::Send(const HttpRequest& request) {
  return engine_.Submit(state_, request);
}

LaneStats HttpLane::Stats() const { return engine_.StatsOf(state_); }

HttpEngine::HttpEngine() : multi_((EnsureCurlInitialised(), curl_multi_init())) {
  if (multi_ == nullptr) return;
  // Keep idle connections for every lane, not 4 per transfer in flight (the default,
  // which closes most of them whenever traffic drops).
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 256L);
  thread_ = std::thread([this] { Run(); });
}

HttpEngine::~HttpEngine() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  if (multi_ == nullptr) return;
  curl_multi_wakeup(multi_);
  thread_.join();
  // Run failed what was in flight; what is still queued never started.
  std::lock_guard lock(mu_);
  for (auto& [name, lane] : lanes_) {
    for (PendingTransfer* pending : lane->queue) {
      pending->Deliver(Unavailable(name + ": HTTP engine stopped before the request was sent"));
    }
    lane->queue.clear();
  }
  curl_multi_cleanup(multi_);
}

HttpLane& HttpEngine::Lane(const LaneOptions& options) {
  std::lock_guard lock(mu_);
  std::unique_ptr<LaneState>& state = lanes_[options.name];
  if (!state) {
    state = std::make_unique<LaneState>();
    state->rate = AdaptiveRate(options.rate_limit);
    state->lane.reset(new HttpLane(*this, *state, options.name));
  } else {
    state->rate.SetLimit(options.rate_limit);
  }
  state->options = options;
  state->options.concurrency = std::max(1, options.concurrency);
  return *state->lane;
}

LaneStats HttpEngine::StatsOf(const LaneState& lane) const {
  std::lock_guard lock(mu_);
  LaneStats stats = lane.stats;
  stats.rate = lane.rate.rate();
  stats.ceiling = lane.rate.ceiling();
  return stats;
}

StatusOr<HttpResponse> HttpEngine::Submit(LaneState& lane, const HttpRequest& request) {
  if (multi_ == nullptr) return Internal("curl_multi_init failed");
  TransferOptions options;
  {
    std::lock_guard lock(mu_);
    options = lane.options.transfer;
  }
  StatusOr<std::unique_ptr<CurlTransfer>> transfer = CurlTransfer::Prepare(request, options);
  if (!transfer.ok()) return transfer.status();

  PendingTransfer pending;
  pending.lane = &lane;
  pending.transfer = std::move(transfer).value();
  std::optional<BodyStream> stream;
  if (request.reader != nullptr) {
    stream.emplace(CredentialValues(request), [this] { curl_multi_wakeup(multi_); });
    pending.stream = &*stream;
    pending.transfer->StreamTo(pending.stream);
  }
  curl_easy_setopt(pending.transfer->easy(), CURLOPT_PRIVATE, &pending);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Unavailable(lane.options.name + ": HTTP engine stopped");
    lane.queue.push_back(&pending);
  }
  curl_multi_wakeup(multi_);
  if (!stream) return pending.Wait();
  return AwaitRead(pending, *stream, *request.reader);
}

StatusOr<HttpResponse> HttpEngine::AwaitRead(PendingTransfer& pending, BodyStream& stream,
                                             BodyReader& reader) {
  const bool begun = stream.WaitBegin();
  bool read = false;
  if (begun) {
    read = reader.Read(stream) && !stream.Cut();
    stream.Drain();  // the engine may not finish a transfer whose bytes nobody takes
  }
  StatusOr<HttpResponse> outcome = pending.Wait();
  if (!begun) return outcome;
  const BodyStream::Stats stats = stream.stats();
  {
    std::lock_guard lock(mu_);
    ++pending.lane->stats.streamed;
    pending.lane->stats.max_body_held = std::max(pending.lane->stats.max_body_held, stats.max_held);
  }
  if (!outcome.ok()) return outcome;
  outcome->body_bytes = stats.bytes;
  if (read) {
    outcome->body_read = true;
  } else if (std::optional<std::string> body = stream.TakeBody()) {
    outcome->body = std::move(*body);
  } else {
    outcome->body_dropped = true;
  }
  return outcome;
}

Clock::time_point HttpEngine::TakeStartable(std::vector<PendingTransfer*>& start) {
  const auto now = Clock::now();
  auto wake = Clock::time_point::max();
  for (auto& [name, lane] : lanes_) {
    if (lane->draining && lane->in_flight > 0) continue;  // a completion wakes us
    lane->draining = false;
    while (!lane->queue.empty() && lane->in_flight < lane->options.concurrency) {
      const auto next = lane->rate.NextSend(now);
      if (next > now) {
        wake = std::min(wake, next);
        break;
      }
      lane->rate.OnSent(now);
      PendingTransfer* pending = lane->queue.front();
      lane->queue.pop_front();
      pending->sent_at = now;
      ++lane->in_flight;
      ++lane->stats.sent;
      lane->stats.max_in_flight = std::max(lane->stats.max_in_flight, lane->in_flight);
      start.push_back(pending);
    }
  }
  return wake;
}

void HttpEngine::Complete(PendingTransfer& pending, StatusOr<HttpResponse> outcome) {
  std::string slowed;  // logged once mu_ is released
  {
    std::lock_guard lock(mu_);
    LaneState& lane = *pending.lane;
    --lane.in_flight;
    const int decreases = lane.rate.decreases();
    if (outcome.ok() && outcome->status != 429 && outcome->status != 503) {
      lane.rate.OnAnswered(pending.sent_at);  // the server's limiter let it through
    }
    if (outcome.ok() && (outcome->status == 429 || outcome->status == 503)) {
      std::optional<std::chrono::milliseconds> retry_after;
      if (auto header = outcome->Header("Retry-After")) {
        retry_after = ParseRetryAfter(*header, std::chrono::system_clock::now());
      }
      const auto now = Clock::now();
      if (outcome->status == 429) {
        ++lane.stats.throttled;
        if (lane.rate.OnThrottled(pending.sent_at, now, retry_after)) {
          ++lane.stats.throttled_after_first;
        }
      } else if (retry_after) {
        lane.rate.PauseFor(now, *retry_after);
      }
    }
    // A 429 lowered the rate, or an answer completed the first 429's estimate.
    if (lane.rate.decreases() != decreases) {
      lane.draining = true;
      slowed = fmt::format("{}: HTTP 429: after the pause, {:.1f} requests/s (the platform's limit is "
                           "estimated at {:.1f}/s)",
                           lane.options.name, lane.rate.rate(), lane.rate.ceiling());
    }
  }
  if (!slowed.empty()) spdlog::info("{}", slowed);
  // The easy handle is cleaned up here, on the thread that drove it.
  pending.transfer.reset();
  pending.Deliver(std::move(outcome));
}

void HttpEngine::Run() {
  CURLM* multi = multi_;
  std::vector<PendingTransfer*> start;
  std::vector<PendingTransfer*> active;
  for (;;) {
    Clock::time_point wake;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      wake = TakeStartable(start);
    }
    for (PendingTransfer* pending : start) {
      const CURLMcode added = curl_multi_add_handle(multi, pending->transfer->easy());
      if (added == CURLM_OK) {
        active.push_back(pending);
      } else {
        Complete(*pending, Internal("curl_multi_add_handle: " +
                                    std::string(curl_multi_strerror(added))));
      }
    }
    start.clear();
    // A reader made room in a paused body: continue it (libcurl may call the write
    // callback from in here).
    for (PendingTransfer* pending : active) {
      if (pending->stream != nullptr && pending->stream->TakeResume()) {
        curl_easy_pause(pending->transfer->easy(), CURLPAUSE_CONT);
      }
    }

    int running = 0;
    curl_multi_perform(multi, &running);
    bool completed = false;
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;  // read before the message goes
      PendingTransfer* pending = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &pending);
      curl_multi_remove_handle(multi, easy);
      std::erase(active, pending);
      Complete(*pending, pending->transfer->Finish(result));
      completed = true;
    }
    if (completed) continue;  // a freed slot may let a queued request start

    using std::chrono::milliseconds;
    milliseconds timeout(1000);
    if (wake != Clock::time_point::max()) {
      timeout = std::clamp(std::chrono::ceil<milliseconds>(wake - Clock::now()),
                           milliseconds(0), timeout);
    }
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
  }
  for (PendingTransfer* pending : active) {
    curl_multi_remove_handle(multi, pending->transfer->easy());
    Complete(*pending, Unavailable(pending->lane->options.name +
                                   ": HTTP engine stopped while the request was in flight"));
  }
}

}  // namespace idsync
