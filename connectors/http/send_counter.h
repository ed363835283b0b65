// Counting the HTTP sends one action takes (SPEC §6: the journal's `attempts`).
//
// The retry loop (connectors/http/retry.cc) calls CountHttpSend() once per send, the
// first included. A ScopedSendCounter counts the sends made ON ITS OWN THREAD while it
// is alive: the executor opens one around each action's connector call, which runs on
// that thread. Counters nest (an inner one hides its sends from the outer one). With no
// counter alive on the thread, CountHttpSend() does nothing.
//
// Thread-safety: per thread by construction (a thread_local pointer).
#pragma once

namespace idsync {

class ScopedSendCounter {
 public:
  ScopedSendCounter() : outer_(current_) { current_ = this; }
  ~ScopedSendCounter() { current_ = outer_; }
  ScopedSendCounter(const ScopedSendCounter&) = delete;
  ScopedSendCounter& operator=(const ScopedSendCounter&) = delete;

  int sends() const { return sends_; }

  // One HTTP send on this thread (called by the retry loop).
  static void CountSend() {
    if (current_) ++current_->sends_;
  }

 private:
  static inline thread_local ScopedSendCounter* current_ = nullptr;
  ScopedSendCounter* outer_;
  int sends_ = 0;
};

inline void CountHttpSend() { ScopedSendCounter::CountSend(); }

}  // namespace idsync
