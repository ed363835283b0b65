// The state DB's write-ahead log as a file descriptor for the durability sync
// (sqlite_store.h: a journal row is on disk before its request).
//
// The descriptor is opened at the first Sync and kept, but never trusted blindly: each
// Sync first checks that it still names the file at `path` and re-opens it when the
// file was removed (st_nlink == 0) or replaced (another device or inode), so a -wal
// file that was deleted and recreated is the one synced, never an unlinked inode.
//
// Thread-safety: not thread-safe; the owner serialises calls (SqliteStore: sync_mu_).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "core/status.h"

namespace idsync {

class WalFile {
 public:
  // Makes the file's data durable; returns 0 or -1 with errno set (like fdatasync).
  using SyncFn = std::function<int(int fd)>;

  // A null `sync` means fdatasync.
  explicit WalFile(std::string path, SyncFn sync = nullptr);
  ~WalFile();
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;

  // Syncs the file now at path(). Errors are kUnavailable naming the file and errno.
  Status Sync();
  void set_sync(SyncFn sync);

  const std::string& path() const { return path_; }
  // The inode the descriptor refers to; 0 before the first successful open.
  ino_t inode() const { return inode_; }

 private:
  Status Reopen();

  std::string path_;
  SyncFn sync_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t inode_ = 0;
};

}  // namespace idsync
