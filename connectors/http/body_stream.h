// One 2xx answer's body on its way from the engine thread, which receives it, to the
// thread waiting in Send, which reads it through the request's BodyReader
// (http_client.h). At most kMaxChunks chunks of about kChunk bytes wait in between:
// when they are all full, the engine pauses the transfer (libcurl keeps the bytes it
// could not hand over) until the reader takes one, so the body is never held whole.
//
// The stream keeps a copy of what the reader took while the body is at most
// kMaxBodyGivenBack bytes, so that a body the reader declines can be given back whole
// (Drain, TakeBody). It ends the body early for the reader (Cut) where one of the
// request's credentials appears, so that such a body is declined and then scrubbed by
// the logging layer, as a held body is (logging.h ScrubEchoedCredentials).
//
// Thread-safety: Offer, TakeResume and End are called by the engine thread; Start,
// Next, Drain and TakeBody by the thread in Send; Stats by either.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_client.h"

namespace idsync {

class BodyStream : public BodySource {
 public:
  static constexpr std::size_t kChunk = 64 * 1024;
  static constexpr std::size_t kMaxChunks = 4;

  // `secrets`: the request's credential values (CredentialValues, logging.h). `wake`
  // makes the engine thread look at TakeResume soon (curl_multi_wakeup).
  BodyStream(std::vector<std::string> secrets, std::function<void()> wake);

  // --- engine thread ---
  // The answer is 2xx and its body starts: the reader may read it.
  void Begin();
  // Takes `data` (true), or refuses all of it while the queue is full (false: pause
  // the transfer, and continue it once TakeResume returns true).
  bool Offer(std::string_view data);
  // True, once, after the reader made room in a stream that refused bytes.
  bool TakeResume();
  // No more bytes will come (the transfer is over, whatever its outcome).
  void End();

  // --- Send's thread ---
  // Waits until the body starts (true) or the transfer ends without one streamed
  // (false: the body, if any, is in the response as without a reader).
  bool WaitBegin();
  std::string_view Next() override;
  bool Cut() const override { return cut_; }
  // Reads to the end what the reader left.
  void Drain();
  // After Drain: the whole body when it was at most kMaxBodyGivenBack bytes.
  std::optional<std::string> TakeBody();

  struct Stats {
    std::uint64_t bytes = 0;     // body bytes received
    std::size_t max_held = 0;    // the most body bytes held at once, copies included
  };
  Stats stats() const;

 private:
  // The next chunk whatever its content; empty at the end.
  std::string_view Pop();
  bool Echoes(std::string_view chunk);
  void NoteHeld();  // REQUIRES mu_

  const std::vector<std::string> secrets_;
  const std::function<void()> wake_;
  std::size_t longest_secret_ = 0;
  std::string tail_;  // the last bytes of the previous chunk, for secrets across chunks
  bool cut_ = false;  // Send's thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool begun_ = false, ended_ = false, paused_ = false, resume_ = false;
  std::deque<std::string> queue_;  // full chunks, oldest first
  std::string filling_;            // the chunk the engine appends to
  std::string current_;            // the chunk the reader reads
  std::vector<std::string> spare_;  // emptied chunks, for reuse
  std::string kept_;                // what the reader took, while it may be given back
  bool keeping_ = true;
  std::size_t queued_bytes_ = 0;
  Stats stats_;
};

}  // namespace idsync
