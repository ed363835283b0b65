// The inotify watcher on a real temporary directory, including git-sync's layout: a
// `current` symlink atomically replaced (rename(2) of a new link over it) by a link to
// a new worktree.
#include "daemon/run/manifest_watch.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "tests/daemon/temp_dir.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::TempDir;

// Counts on_change calls; Await waits (generously) for the count to pass `n`.
struct Changes {
  std::atomic<int> count{0};
  bool Await(int n, milliseconds limit = milliseconds(5'000)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (count.load() < n && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(milliseconds(5));
    return count.load() >= n;
  }
};

// git-sync: a new worktree, then a new link renamed over `current`.
void Swap(const TempDir& dir, const std::string& worktree, const std::string& manifest) {
  dir.Write(".worktrees/" + worktree + "/manifests/idsync.yaml", manifest);
  fs::path tmp = dir.path() / "tmp-link";
  fs::create_directory_symlink(".worktrees/" + worktree, tmp);
  REQUIRE(std::rename(tmp.c_str(), (dir.path() / "current").c_str()) == 0);
}

}  // namespace

TEST_CASE("the watched directories follow a symlink to its target") {
  TempDir dir;
  dir.Write(".worktrees/aaa/manifests/idsync.yaml", "version: 1\n");
  dir.Write(".worktrees/aaa/manifests/team/more.yaml", "version: 1\n");
  fs::create_directory_symlink(".worktrees/aaa", dir.path() / "current");
  fs::path root = fs::canonical(dir.path());

  auto by_dir = WatchedDirectories({(dir.path() / "current/manifests").string()});
  CHECK(by_dir == std::set<std::string>{root.string(), (root / ".worktrees/aaa/manifests").string(),
                                        (root / ".worktrees/aaa/manifests/team").string()});
  auto by_file = WatchedDirectories({(dir.path() / "current/manifests/idsync.yaml").string()});
  CHECK(by_file == std::set<std::string>{root.string(), (root / ".worktrees/aaa/manifests").string()});
}

TEST_CASE("a path that does not exist yet is watched from its nearest existing directory") {
  TempDir dir;
  fs::path root = fs::canonical(dir.path());
  auto watched = WatchedDirectories({(dir.path() / "current/manifests").string()});
  CHECK(watched.count(root.string()) == 1);
}

TEST_CASE("editing a manifest file in place is one change") {
  TempDir dir;
  std::string file = dir.Write("m/idsync.yaml", "version: 1\n");
  Changes changes;
  ManifestWatcher watcher({file}, [&] { ++changes.count; });
  REQUIRE(watcher.Start().ok());
  dir.Write("m/idsync.yaml", "version: 1\nusers: []\n");
  CHECK(changes.Await(1));
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(changes.count.load() == 1);  // the write's events were debounced together
  dir.Write("m/unrelated.txt", "x");
  CHECK(changes.Await(2));  // a change in the directory is reported; the loader decides
}

TEST_CASE("git-sync's atomic symlink swap is seen, and the new worktree is watched after it") {
  TempDir dir;
  Swap(dir, "aaa", "version: 1\n");
  fs::path root = fs::canonical(dir.path());
  Changes changes;
  ManifestWatcher watcher({(dir.path() / "current/manifests").string()}, [&] { ++changes.count; });
  REQUIRE(watcher.Start().ok());
  CHECK(watcher.watched().count((root / ".worktrees/aaa/manifests").string()) == 1);

  Swap(dir, "bbb", "version: 1\nusers: []\n");
  REQUIRE(changes.Await(1));
  std::set<std::string> after = watcher.watched();
  CHECK(after.count((root / ".worktrees/bbb/manifests").string()) == 1);
  CHECK(after.count((root / ".worktrees/aaa/manifests").string()) == 0);

  // git-sync removes the old worktree; then an edit inside the new one is still seen.
  fs::remove_all(dir.path() / ".worktrees/aaa");
  std::this_thread::sleep_for(milliseconds(300));
  int before = changes.count.load();
  dir.Write(".worktrees/bbb/manifests/idsync.yaml", "version: 1\nusers: [] # edited\n");
  CHECK(changes.Await(before + 1));
}

TEST_CASE("a manifest that appears after start (git-sync's first clone) is seen") {
  TempDir dir;
  Changes changes;
  ManifestWatcher watcher({(dir.path() / "current/manifests").string()}, [&] { ++changes.count; });
  REQUIRE(watcher.Start().ok());
  Swap(dir, "aaa", "version: 1\n");
  CHECK(changes.Await(1));
  fs::path root = fs::canonical(dir.path());
  CHECK(watcher.watched().count((root / ".worktrees/aaa/manifests").string()) == 1);
}

TEST_CASE("stopping the watcher ends its thread and no change is reported after") {
  TempDir dir;
  std::string file = dir.Write("idsync.yaml", "version: 1\n");
  Changes changes;
  ManifestWatcher watcher({file}, [&] { ++changes.count; });
  REQUIRE(watcher.Start().ok());
  watcher.Stop();
  dir.Write("idsync.yaml", "version: 1\nusers: []\n");
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(changes.count.load() == 0);
}

}  // namespace idsync
