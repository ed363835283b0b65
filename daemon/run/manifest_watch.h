// Watching the manifest's files with inotify, following git-sync's layout: the
// repository appears through a symlink (e.g. /git/current -> .worktrees/<sha>) that is
// atomically replaced by rename(2) on each sync.
//
// For every -f path the watcher watches (a) the directory holding each symlink met
// along the path, for the link itself being created, moved over or deleted, and (b)
// the directories the path resolves to now: the file's directory, or the directory
// and its subdirectories. After every batch of events the whole set is resolved again,
// so after a swap the new worktree is watched and the old one dropped.
//
// Events are debounced: `on_change` runs once the files have been quiet for `quiet`
// (at most `max_delay` after the first event) of env.SteadyNow() time, on the
// watcher's own thread.
//
// Thread-safety: construct, Start and Stop from one thread; on_change runs on the
// watcher thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "daemon/env.h"

namespace idsync {

// The directories to watch for `paths` as the filesystem is now (see above). Paths
// that do not exist contribute the nearest existing ancestor directory.
std::set<std::string> WatchedDirectories(const std::vector<std::string>& paths);

class ManifestWatcher {
 public:
  // REQUIRES: `env` outlives the watcher.
  ManifestWatcher(Env& env, std::vector<std::string> paths, std::function<void()> on_change,
                  std::chrono::milliseconds quiet = std::chrono::milliseconds(100),
                  std::chrono::milliseconds max_delay = std::chrono::milliseconds(1000));
  ~ManifestWatcher();  // Stop()
  ManifestWatcher(const ManifestWatcher&) = delete;
  ManifestWatcher& operator=(const ManifestWatcher&) = delete;

  Status Start();  // inotify_init and the first set of watches; then the thread
  void Stop();     // joins the thread; idempotent

  std::set<std::string> watched() const;  // for tests and logs

 private:
  void Run();
  void Rewatch();  // REQUIRES: watcher thread or before Start's thread begins

  Env& env_;
  std::vector<std::string> paths_;
  std::function<void()> on_change_;
  std::chrono::milliseconds quiet_, max_delay_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<int, std::string> watches_;  // wd -> directory; guarded by mu_
};

}  // namespace idsync
