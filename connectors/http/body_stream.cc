#include "connectors/http/body_stream.h"

#include <algorithm>
#include <utility>

namespace idsync {
namespace {
// libcurl hands over at most CURL_MAX_WRITE_SIZE (16 kB) per call: a chunk's overshoot.
constexpr std::size_t kSlack = 16 * 1024;
}  // namespace

BodyStream::BodyStream(std::vector<std::string> secrets, std::function<void()> wake)
    : secrets_(std::move(secrets)), wake_(std::move(wake)) {
  for (const std::string& secret : secrets_) longest_secret_ = std::max(longest_secret_, secret.size());
}

void BodyStream::Begin() {
  std::lock_guard lock(mu_);
  begun_ = true;
  filling_.reserve(kChunk + kSlack);
  cv_.notify_all();
}

bool BodyStream::Offer(std::string_view data) {
  std::lock_guard lock(mu_);
  if (queue_.size() >= kMaxChunks) {
    paused_ = true;
    return false;
  }
  filling_.append(data);
  stats_.bytes += data.size();
  if (filling_.size() >= kChunk) {
    queued_bytes_ += filling_.size();
    queue_.push_back(std::move(filling_));
    filling_.clear();
    if (!spare_.empty()) {
      filling_ = std::move(spare_.back());
      spare_.pop_back();
    } else {
      filling_.reserve(kChunk + kSlack);
    }
    cv_.notify_all();
  }
  NoteHeld();
  return true;
}

bool BodyStream::TakeResume() {
  std::lock_guard lock(mu_);
  return std::exchange(resume_, false);
}

void BodyStream::End() {
  std::lock_guard lock(mu_);
  if (!filling_.empty()) {
    queued_bytes_ += filling_.size();
    queue_.push_back(std::move(filling_));
    filling_.clear();
  }
  std::string().swap(filling_);
  ended_ = true;
  cv_.notify_all();
}

bool BodyStream::WaitBegin() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return begun_ || ended_; });
  return begun_;
}

std::string_view BodyStream::Pop() {
  bool wake = false;
  {
    std::unique_lock lock(mu_);
    if (current_.capacity() > 0 && spare_.size() < kMaxChunks) {
      current_.clear();
      spare_.push_back(std::move(current_));
    }
    current_ = std::string();
    cv_.wait(lock, [this] { return !queue_.empty() || ended_; });
    if (queue_.empty()) return {};
    current_ = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= current_.size();
    if (keeping_ && kept_.size() + current_.size() <= kMaxBodyGivenBack) {
      kept_.append(current_);
    } else if (keeping_) {
      keeping_ = false;
      std::string().swap(kept_);
    }
    NoteHeld();
    if (paused_) {
      paused_ = false;
      resume_ = true;
      wake = true;
    }
  }
  if (wake) wake_();
  return current_;
}

bool BodyStream::Echoes(std::string_view chunk) {
  if (longest_secret_ == 0) return false;
  // A secret that starts in the previous chunk ends within the first bytes of this one.
  std::string seam = tail_;
  seam.append(chunk.substr(0, longest_secret_ - 1));
  for (const std::string& secret : secrets_) {
    if (seam.find(secret) != std::string::npos || chunk.find(secret) != std::string_view::npos) {
      return true;
    }
  }
  if (chunk.size() >= longest_secret_ - 1) {
    tail_.assign(chunk.substr(chunk.size() - (longest_secret_ - 1)));
  } else {
    tail_.append(chunk);
    tail_.erase(0, tail_.size() - std::min(tail_.size(), longest_secret_ - 1));
  }
  return false;
}

std::string_view BodyStream::Next() {
  if (cut_) return {};
  const std::string_view chunk = Pop();
  if (!chunk.empty() && Echoes(chunk)) {
    cut_ = true;
    return {};
  }
  return chunk;
}

void BodyStream::Drain() {
  while (!Pop().empty()) {
  }
  std::lock_guard lock(mu_);
  std::string().swap(current_);
  spare_.clear();
}

std::optional<std::string> BodyStream::TakeBody() {
  std::lock_guard lock(mu_);
  if (!keeping_) return std::nullopt;
  keeping_ = false;
  return std::move(kept_);
}

BodyStream::Stats BodyStream::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void BodyStream::NoteHeld() {
  const std::size_t held = queued_bytes_ + filling_.size() + current_.size() + kept_.size();
  stats_.max_held = std::max(stats_.max_held, held);
}

}  // namespace idsync
