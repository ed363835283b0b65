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
// No quiet period: `on_change` runs at once, on the watcher's own thread, for the
// first batch of events that can change what the loader reads; every event that
// arrives while it runs is coalesced into exactly one more call right after it (the
// callback reloads the whole manifest, so one call covers any number of events).
// git-sync's symlink swap is one atomic rename, so its first event already shows the
// whole new manifest. A regular file's IN_CREATE is not acted on: a file created in
// place is read at its IN_CLOSE_WRITE (or IN_MOVED_TO when renamed into place), never
// half-written by a single writer.
//
// Thread-safety: construct, Start and Stop from one thread; on_change runs on the
// watcher thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace idsync {

// The directories to watch for `paths` as the filesystem is now (see above). Paths
// that do not exist contribute the nearest existing ancestor directory.
std::set<std::string> WatchedDirectories(const std::vector<std::string>& paths);

class ManifestWatcher {
 public:
  ManifestWatcher(std::vector<std::string> paths, std::function<void()> on_change);
  ~ManifestWatcher();  // Stop()
  ManifestWatcher(const ManifestWatcher&) = delete;
  ManifestWatcher& operator=(const ManifestWatcher&) = delete;

  Status Start();  // inotify_init and the first set of watches; then the thread
  void Stop();     // joins the thread; idempotent

  std::set<std::string> watched() const;  // for tests and logs

 private:
  void Run();
  // Reads every queued event; true when one of them can change what the loader reads.
  bool DrainEvents();
  void Rewatch();  // REQUIRES: watcher thread or before Start's thread begins

  std::vector<std::string> paths_;
  std::function<void()> on_change_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<int, std::string> watches_;  // wd -> directory; guarded by mu_
};

}  // namespace idsync
