// The inotify watcher on a real temporary directory, including git-sync's layout: a
// `current` symlink atomically replaced (rename(2) of a new link over it) by a link to
// a new worktree.
#include "daemon/run/manifest_watch.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>
#include <cstdio>
#include <thread>

#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::TempDir;

// Counts on_change calls; Await waits (generously) for the count to reach `n`, woken
// by each call.
struct Changes {
  std::atomic<int> count{0};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> saw;          // per call: did `marker` exist then (guarded by mu)
  std::string marker;             // "" : not recorded (guarded by mu)
  void SetMarker(const std::string& path) {
    std::lock_guard lock(mu);
    marker = path;
  }
  void operator()() {
    {
      std::lock_guard lock(mu);
      saw.push_back(!marker.empty() && fs::exists(marker));
      ++count;
    }
    cv.notify_all();
  }
  bool Await(int n, milliseconds limit = milliseconds(5'000)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return count.load() >= n; });
  }
  // Waits for a call made once `marker` existed.
  bool AwaitMarkerSeen(milliseconds limit = milliseconds(5'000)) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return !saw.empty() && saw.back(); });
  }
  std::vector<bool> Saw() {
    std::lock_guard lock(mu);
    return saw;
  }
};

// git-sync: a new worktree, then a new link renamed over `current`.
void Swap(const TempDir& dir, const std::string& worktree, const std::string& manifest) {
  dir.Write(".worktrees/" + worktree + "/manifests/idsync.yaml", manifest);
  fs::path tmp = dir.fs_path() / "tmp-link";
  fs::create_directory_symlink(".worktrees/" + worktree, tmp);
  REQUIRE(std::rename(tmp.c_str(), (dir.fs_path() / "current").c_str()) == 0);
}

// A clone or a swap by git-sync is several inotify events (the worktree, then the
// link), and each change is reported as soon as the watcher has re-armed after it:
// waits, change by change, until `path` is among the watched directories.
bool AwaitWatched(Changes& changes, const ManifestWatcher& watcher, const std::string& path) {
  for (int n = changes.count.load();; ++n) {
    if (watcher.watched().count(path) == 1) return true;
    if (!changes.Await(n + 1)) return false;
  }
}

}  // namespace

TEST_CASE("the watched directories follow a symlink to its target") {
  TempDir dir;
  dir.Write(".worktrees/aaa/manifests/idsync.yaml", "version: 1\n");
  dir.Write(".worktrees/aaa/manifests/team/more.yaml", "version: 1\n");
  fs::create_directory_symlink(".worktrees/aaa", dir.fs_path() / "current");
  fs::path root = fs::canonical(dir.path());

  auto by_dir = WatchedDirectories({(dir.fs_path() / "current/manifests").string()});
  CHECK(by_dir == std::set<std::string>{root.string(), (root / ".worktrees/aaa/manifests").string(),
                                        (root / ".worktrees/aaa/manifests/team").string()});
  auto by_file = WatchedDirectories({(dir.fs_path() / "current/manifests/idsync.yaml").string()});
  CHECK(by_file == std::set<std::string>{root.string(), (root / ".worktrees/aaa/manifests").string()});
}

TEST_CASE("a path that does not exist yet is watched from its nearest existing directory") {
  TempDir dir;
  fs::path root = fs::canonical(dir.path());
  auto watched = WatchedDirectories({(dir.fs_path() / "current/manifests").string()});
  CHECK(watched.count(root.string()) == 1);
}

TEST_CASE("editing a manifest file in place is one change") {
  TempDir dir;
  std::string file = dir.Write("m/idsync.yaml", "version: 1\n");
  Changes changes;
  ManifestWatcher watcher({file}, std::ref(changes));
  REQUIRE(watcher.Start().ok());
  changes.SetMarker(dir.File("m/unrelated.txt"));  // written once the first change is seen
  dir.Write("m/idsync.yaml", "version: 1\nusers: []\n");
  CHECK(changes.Await(1));
  dir.Write("m/unrelated.txt", "x");
  // A change in the directory is reported (the loader decides)...
  REQUIRE(changes.AwaitMarkerSeen());
  // ...and the first write's events made one change before it, not one per event.
  CHECK(changes.Saw() == std::vector<bool>{false, true});
}

TEST_CASE("changes made while on_change runs are coalesced into exactly one more call") {
  TempDir dir;
  std::string file = dir.Write("m/idsync.yaml", "version: 1\n");
  Changes changes;
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool inside = false, release = false;
  auto on_change = [&] {
    {
      std::unique_lock lock(gate_mu);
      if (changes.count.load() == 0) {  // the first call holds until the test releases it
        inside = true;
        gate_cv.notify_all();
        gate_cv.wait_for(lock, milliseconds(5'000), [&] { return release; });
      }
    }
    changes();
  };
  ManifestWatcher watcher({file}, on_change);
  REQUIRE(watcher.Start().ok());
  dir.Write("m/idsync.yaml", "version: 1\nusers: []\n");
  {
    std::unique_lock lock(gate_mu);
    REQUIRE(gate_cv.wait_for(lock, milliseconds(5'000), [&] { return inside; }));
  }
  // Two more changes while the first call runs (each a separate write and close).
  dir.Write("m/idsync.yaml", "version: 1\nusers: [] # second\n");
  dir.Write("m/idsync.yaml", "version: 1\nusers: [] # third\n");
  {
    std::lock_guard lock(gate_mu);
    release = true;
  }
  gate_cv.notify_all();
  REQUIRE(changes.Await(2));
  // The yardstick: a change made after the second call began is reported by a third
  // call that sees it; any call the burst made beyond the second would come before.
  changes.SetMarker(dir.File("m/marker.txt"));
  dir.Write("m/marker.txt", "x");
  REQUIRE(changes.AwaitMarkerSeen());
  CHECK(changes.Saw() == std::vector<bool>{false, false, true});
}

TEST_CASE("git-sync's atomic symlink swap is seen, and the new worktree is watched after it") {
  TempDir dir;
  Swap(dir, "aaa", "version: 1\n");
  fs::path root = fs::canonical(dir.path());
  Changes changes;
  ManifestWatcher watcher({(dir.fs_path() / "current/manifests").string()}, std::ref(changes));
  REQUIRE(watcher.Start().ok());
  CHECK(watcher.watched().count((root / ".worktrees/aaa/manifests").string()) == 1);

  Swap(dir, "bbb", "version: 1\nusers: []\n");
  REQUIRE(changes.Await(1));
  REQUIRE(AwaitWatched(changes, watcher, (root / ".worktrees/bbb/manifests").string()));
  std::set<std::string> after = watcher.watched();
  CHECK(after.count((root / ".worktrees/bbb/manifests").string()) == 1);
  CHECK(after.count((root / ".worktrees/aaa/manifests").string()) == 0);

  // git-sync removes the old worktree; then an edit inside the new one is still seen.
  fs::remove_all(dir.fs_path() / ".worktrees/aaa");  // not watched any more: no event
  int before = changes.count.load();
  dir.Write(".worktrees/bbb/manifests/idsync.yaml", "version: 1\nusers: [] # edited\n");
  CHECK(changes.Await(before + 1));
}

TEST_CASE("a manifest that appears after start (git-sync's first clone) is seen") {
  TempDir dir;
  Changes changes;
  ManifestWatcher watcher({(dir.fs_path() / "current/manifests").string()}, std::ref(changes));
  REQUIRE(watcher.Start().ok());
  Swap(dir, "aaa", "version: 1\n");
  CHECK(changes.Await(1));
  fs::path root = fs::canonical(dir.path());
  CHECK(AwaitWatched(changes, watcher, (root / ".worktrees/aaa/manifests").string()));
}

TEST_CASE("stopping the watcher ends its thread and no change is reported after") {
  TempDir dir;
  std::string file = dir.Write("idsync.yaml", "version: 1\n");
  Changes changes;
  ManifestWatcher watcher({file}, std::ref(changes));
  REQUIRE(watcher.Start().ok());
  watcher.Stop();
  // A second watcher on the same file is the yardstick: once it reported the write,
  // the stopped one had every chance to report it too.
  Changes yardstick;
  ManifestWatcher second({file}, std::ref(yardstick));
  REQUIRE(second.Start().ok());
  dir.Write("idsync.yaml", "version: 1\nusers: []\n");
  REQUIRE(yardstick.Await(1));
  CHECK(changes.count.load() == 0);
}

}  // namespace idsync
