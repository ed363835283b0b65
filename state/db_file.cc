#include "state/db_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace idsync {
namespace {

constexpr mode_t kPrivateMode = S_IRUSR | S_IWUSR;  // 0600
constexpr mode_t kGroupOrOther = S_IRWXG | S_IRWXO;

Status FileError(const std::string& path, const char* what, int err) {
  std::string message = "state DB " + path + ": " + what + ": " + std::strerror(err);
  if (err == EACCES || err == EPERM) return PermissionDenied(std::move(message));
  return FailedPrecondition(std::move(message));
}

// Removes group and other access from an existing file; absent files are fine.
Status TightenIfPresent(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return OkStatus();
    return FileError(file, "cannot stat", errno);
  }
  if ((st.st_mode & kGroupOrOther) == 0) return OkStatus();
  if (::chmod(file.c_str(), kPrivateMode) != 0) {
    return FileError(file, "cannot restrict the mode to 0600", errno);
  }
  return OkStatus();
}

}  // namespace

Status PreparePrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kPrivateMode);
  if (fd < 0) return FileError(path, "cannot open or create", errno);
  struct stat st {};
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = FileError(path, "cannot stat", errno);
  } else if (!S_ISREG(st.st_mode)) {
    status = FailedPrecondition("state DB " + path + ": not a regular file");
  } else if ((st.st_mode & kGroupOrOther) != 0 && ::fchmod(fd, kPrivateMode) != 0) {
    status = FileError(path, "cannot restrict the mode to 0600", errno);
  }
  ::close(fd);
  if (!status.ok()) return status;
  return TightenCompanionFiles(path);
}

Status TightenCompanionFiles(const std::string& path) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    Status status = TightenIfPresent(path + suffix);
    if (!status.ok()) return status;
  }
  return OkStatus();
}

}  // namespace idsync
