// The SQLite backend's exclusive-applier lock: flock(2) on "<db>.lock" next to the
// database. Internal to state/.
//
// The lock file (mode 0600) is never deleted (deleting a lock file races with a
// process that has it open); while held it contains the holder's identity, pid, host
// and start time, which a refused applier reads for its message. The kernel releases
// the lock when the holder's process dies, so a crash never leaves it held.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "state/store.h"

namespace idsync {

class LockFile {
 public:
  explicit LockFile(std::string db_path);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  // Takes the lock, or one more share of this object's hold. Held by another open
  // file (another process or store): retries until options.timeout, then kUnavailable
  // "state PATH is locked by ID (pid N on host H) since TIME; ...".
  Status Acquire(const LockOptions& options);
  // Gives one share back; the last one unlocks (and empties the file).
  void Release();

 private:
  Status TryOnce(const LockOptions& options, bool& busy);  // REQUIRES: mu_ held
  std::string Holder() const;  // the refused message's "ID (pid N on host H) since T"

  const std::string db_path_;
  const std::string lock_path_;
  std::mutex mu_;
  int fd_ = -1;      // guarded by mu_
  int shares_ = 0;   // guarded by mu_
};

// A StoreLock sharing a LockFile (SQLite: one file lock covers every platform).
std::unique_ptr<StoreLock> MakeFileStoreLock(std::shared_ptr<LockFile> file,
                                             std::string platform);

// "HOST" of this machine (gethostname), "unknown" if that fails.
std::string LocalHostName();

}  // namespace idsync
