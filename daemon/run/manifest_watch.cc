#include "daemon/run/manifest_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace idsync {
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kDirEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB |
                                IN_DONT_FOLLOW | IN_ONLYDIR;

void AddTree(const fs::path& dir, std::set<std::string>& out) {
  std::error_code ec;
  out.insert(dir.string());
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec) && !it->is_symlink(ec)) out.insert(it->path().string());
  }
}

}  // namespace

std::set<std::string> WatchedDirectories(const std::vector<std::string>& paths) {
  std::set<std::string> out;
  for (const auto& given : paths) {
    std::error_code ec;
    fs::path p = fs::absolute(given, ec);
    if (ec) continue;
    // Every symlink along the path: watch the real directory holding it.
    fs::path prefix;
    for (const auto& part : p) {
      prefix /= part;
      if (fs::is_symlink(fs::symlink_status(prefix, ec))) {
        fs::path holder = fs::weakly_canonical(prefix.parent_path(), ec);
        if (!ec) out.insert(holder.string());
      }
    }
    // What the path is now.
    fs::path target = fs::weakly_canonical(p, ec);
    if (ec) continue;
    if (fs::is_directory(target, ec)) {
      AddTree(target, out);
      continue;
    }
    fs::path dir = target.parent_path();
    while (!dir.empty() && !fs::is_directory(dir, ec) && dir != dir.root_path()) dir = dir.parent_path();
    if (!dir.empty()) out.insert(dir.string());
  }
  return out;
}

ManifestWatcher::ManifestWatcher(std::vector<std::string> paths, std::function<void()> on_change)
    : paths_(std::move(paths)), on_change_(std::move(on_change)) {}

ManifestWatcher::~ManifestWatcher() { Stop(); }

Status ManifestWatcher::Start() {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return Internal(std::string("inotify_init1: ") + std::strerror(errno));
  stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) return Internal(std::string("eventfd: ") + std::strerror(errno));
  Rewatch();
  thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

void ManifestWatcher::Stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
  inotify_fd_ = stop_fd_ = -1;
}

std::set<std::string> ManifestWatcher::watched() const {
  std::lock_guard lock(mu_);
  std::set<std::string> out;
  for (const auto& [wd, dir] : watches_) out.insert(dir);
  return out;
}

void ManifestWatcher::Rewatch() {
  std::set<std::string> want = WatchedDirectories(paths_);
  std::lock_guard lock(mu_);
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (want.count(it->second)) {
      want.erase(it->second);
      ++it;
    } else {
      inotify_rm_watch(inotify_fd_, it->first);
      it = watches_.erase(it);
    }
  }
  for (const auto& dir : want) {
    int wd = inotify_add_watch(inotify_fd_, dir.c_str(), kDirEvents);
    if (wd < 0) {
      spdlog::warn("manifest watch: cannot watch {}: {}", dir, std::strerror(errno));
      continue;
    }
    watches_[wd] = dir;  // the kernel may hand back a wd it already gave: same dir
  }
}

bool ManifestWatcher::DrainEvents() {
  alignas(inotify_event) char buffer[16 * 1024];
  bool any = false, relevant = false;
  for (ssize_t n; (n = read(inotify_fd_, buffer, sizeof buffer)) > 0;) {
    any = true;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      // A file just created is still being written: its IN_CLOSE_WRITE follows. A
      // watch removed (by Rewatch or with its directory) says nothing new.
      const bool file_created = (event->mask & IN_CREATE) && !(event->mask & IN_ISDIR);
      if (!file_created && !(event->mask & IN_IGNORED)) relevant = true;
    }
  }
  if (any) Rewatch();  // a swapped link or a new directory: follow it at once
  return relevant;
}

void ManifestWatcher::Run() {
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int n = poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) {
      spdlog::error("manifest watch: poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents) return;
    // Events that arrived while on_change ran are all read here, in one batch: they
    // make exactly one more call.
    if (n > 0 && (fds[0].revents & POLLIN) && DrainEvents()) on_change_();
  }
}

}  // namespace idsync
