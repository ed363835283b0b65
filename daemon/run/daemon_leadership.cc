// The daemon's side of leadership (daemon/run/leadership.h): which lock `idsync run`
// takes, and what /v1/status and idsync_leader say about it.
#include <spdlog/spdlog.h>

#include "daemon/run/daemon.h"

namespace idsync {

Status Daemon::StartLeadership() {
  if (!IsPostgresState(options_.state)) {
    // One lock covers every platform of the file: a second applier is refused at once.
    auto lock = store_->Lock("*", LockOptions{options_.identity, std::chrono::milliseconds(0)});
    if (!lock.ok()) return lock.status();
    file_lock_ = std::move(*lock);
    return Status();
  }
  leadership_ = std::make_unique<Leadership>(*store_, options_.identity, [this](const std::string& p) {
    if (workers_) workers_->Trigger(p);
  });
  spdlog::info("run: replica {}: one leader per platform through the state's locks", options_.identity);
  return Status();
}

bool Daemon::Leads(const std::string& platform) const {
  return !leadership_ || leadership_->Leads(platform);
}

std::map<std::string, Leadership::View> Daemon::LeaderViews() const {
  if (leadership_) return leadership_->Views();
  std::map<std::string, Leadership::View> views;
  std::lock_guard lock(reports_mu_);
  for (const auto& [name, r] : reports_) views[name] = {file_lock_ != nullptr, options_.identity};
  return views;
}

void Daemon::UpdateLeaderMetrics() {
  for (const auto& [name, v] : LeaderViews()) metrics_.SetLeader(name, v.leader);
}

}  // namespace idsync
