#include "state/wal_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace idsync {

WalFile::WalFile(std::string path, SyncFn sync) : path_(std::move(path)) { set_sync(std::move(sync)); }

WalFile::~WalFile() {
  if (fd_ >= 0) close(fd_);
}

void WalFile::set_sync(SyncFn sync) {
  sync_ = sync ? std::move(sync) : SyncFn([](int fd) { return fdatasync(fd); });
}

Status WalFile::Reopen() {
  if (fd_ >= 0) close(fd_);
  fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || fstat(fd_, &st) != 0) {
    const int err = errno;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    inode_ = 0;
    return Unavailable("cannot open " + path_ + " to sync it: " + std::strerror(err));
  }
  dev_ = st.st_dev;
  inode_ = st.st_ino;
  return OkStatus();
}

Status WalFile::Sync() {
  bool stale = fd_ < 0;
  if (!stale) {
    struct stat held {}, named {};
    stale = fstat(fd_, &held) != 0 || held.st_nlink == 0 || stat(path_.c_str(), &named) != 0 ||
            named.st_dev != dev_ || named.st_ino != inode_;
  }
  if (stale) {
    if (Status s = Reopen(); !s.ok()) return s;
  }
  if (sync_(fd_) != 0) {
    return Unavailable("cannot sync " + path_ + ": " + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace idsync
