#include "daemon/run/leadership.h"

#include <spdlog/spdlog.h>
#include <vector>

namespace idsync {

std::string HolderFromLockMessage(const std::string& message) {
  const std::string marker = "locked by ";
  auto at = message.find(marker);
  if (at == std::string::npos) return "";
  std::string rest = message.substr(at + marker.size());
  auto end = rest.find_first_of(";(");
  std::string holder = rest.substr(0, end);
  while (!holder.empty() && (holder.back() == ' ' || holder.back() == ',')) holder.pop_back();
  if (holder.rfind("idsync:", 0) == 0) holder.erase(0, 7);  // PostgreSQL's application_name
  return holder;
}

Leadership::Leadership(Store& store, std::string identity,
                       std::function<void(const std::string&)> on_acquired,
                       std::chrono::milliseconds period)
    : store_(store), identity_(std::move(identity)), on_acquired_(std::move(on_acquired)), period_(period) {}

Leadership::~Leadership() {
  Stop();
  std::lock_guard lock(mu_);
  slots_.clear();  // releases the locks (the store outlives this object)
}

void Leadership::Add(const std::string& platform) {
  {
    std::lock_guard lock(mu_);
    if (slots_.count(platform)) return;
    slots_[platform];
  }
  Try(platform);
}

bool Leadership::Leads(const std::string& platform) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(platform);
  return it != slots_.end() && it->second.view.leader;
}

void Leadership::Recheck(const std::string& platform) { Try(platform); }

std::map<std::string, Leadership::View> Leadership::Views() const {
  std::lock_guard lock(mu_);
  std::map<std::string, View> out;
  for (const auto& [name, slot] : slots_) out[name] = slot.view;
  return out;
}

void Leadership::Start() {
  std::lock_guard lock(mu_);
  if (monitor_.joinable() || stopping_) return;
  monitor_ = std::thread([this] { Loop(); });
}

void Leadership::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (monitor_.joinable() && monitor_.get_id() != std::this_thread::get_id()) monitor_.join();
}

void Leadership::Try(const std::string& platform) {
  std::lock_guard one(try_mu_);
  std::unique_ptr<StoreLock> held;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(platform);
    if (it == slots_.end() || stopping_) return;
    held = std::move(it->second.lock);  // checked outside mu_ (a database round trip)
  }
  if (held && held->held()) {
    std::lock_guard lock(mu_);
    slots_[platform].lock = std::move(held);
    return;
  }
  if (held) {
    spdlog::warn("{}: leadership lost (the state session no longer holds the lock); standing by",
                 platform);
    held.reset();
  }
  auto taken = store_.Lock(platform, LockOptions{identity_, std::chrono::milliseconds(0)});
  bool acquired = false;
  {
    std::lock_guard lock(mu_);
    Slot& slot = slots_[platform];
    if (taken.ok()) {
      slot.lock = std::move(*taken);
      slot.last_error.clear();
      acquired = !slot.view.leader;
      slot.view = {true, identity_};
    } else {
      const bool was_leader = slot.view.leader;
      const std::string before = slot.view.holder;
      slot.view.leader = false;
      if (taken.status().code() == StatusCode::kUnavailable) {
        slot.view.holder = HolderFromLockMessage(taken.status().message());
        if (was_leader || slot.view.holder != before)
          spdlog::info("{}: standing by: {}", platform, taken.status().message());
      } else if (slot.last_error != taken.status().message()) {  // once per distinct error
        slot.last_error = taken.status().message();
        spdlog::warn("{}: standing by, cannot take the lock: {}", platform, slot.last_error);
      }
    }
  }
  if (acquired) {
    spdlog::info("{}: {} now leads this platform", platform, identity_);
    if (on_acquired_) on_acquired_(platform);
  }
}

void Leadership::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, period_, [this] { return stopping_; });
    if (stopping_) break;
    std::vector<std::string> platforms;
    for (const auto& [name, slot] : slots_) platforms.push_back(name);
    lock.unlock();
    for (const auto& p : platforms) Try(p);
    lock.lock();
  }
}

}  // namespace idsync
