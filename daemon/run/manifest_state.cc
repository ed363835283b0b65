#include "daemon/run/manifest_state.h"

#include <spdlog/spdlog.h>

#include <future>

#include "config/loader.h"
#include "config/resolve.h"
#include "daemon/apply/git_info.h"

namespace idsync {

ReloadResult ManifestState::Reload() {
  std::future<std::string> commit = std::async(std::launch::async, [this] {
    return paths_.empty() ? std::string() : GitCommitOf(paths_.front());
  });
  LoadResult loaded = LoadManifest(paths_);
  if (!loaded.ok()) {
    // git ends first: what the caller does after Reload returns (the metric) must not
    // lag the errors published here by a git's run.
    commit.wait();
    std::vector<std::string> errors;
    for (const auto& d : loaded.diagnostics) errors.push_back(ToString(d));
    if (errors.empty()) errors.push_back("manifest: no valid manifest loaded");
    for (const auto& e : errors) spdlog::error("manifest invalid: {}", e);
    std::lock_guard lock(mu_);
    spdlog::warn("manifest: {} error(s); {}", errors.size(),
                 current_ ? "still reconciling with the last valid manifest"
                          : "nothing is reconciled until it validates");
    valid_ = false;
    errors_ = std::move(errors);
    return ReloadResult::kInvalid;
  }
  auto next = std::make_shared<LoadedManifest>();
  next->manifest = std::move(*loaded.manifest);
  next->desired = ResolveDesired(next->manifest);
  next->commit = commit.get();
  std::lock_guard lock(mu_);
  bool same = current_ && valid_ && current_->manifest.digest == next->manifest.digest;
  valid_ = true;
  errors_.clear();
  if (same) return ReloadResult::kUnchanged;
  spdlog::info("manifest: loaded {} file(s), {} user(s), {} platform(s) (digest {})",
               next->manifest.files.size(), next->manifest.users.size(),
               next->manifest.platforms.size(), next->manifest.digest.substr(0, 12));
  current_ = std::move(next);
  return ReloadResult::kChanged;
}

std::shared_ptr<const LoadedManifest> ManifestState::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

bool ManifestState::valid() const {
  std::lock_guard lock(mu_);
  return valid_;
}

std::vector<std::string> ManifestState::errors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

}  // namespace idsync
