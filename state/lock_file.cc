#include "state/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <thread>
#include <utility>

namespace idsync {
namespace {

// How often a waiting applier retries (--lock-timeout): flock has no timed wait.
constexpr std::chrono::milliseconds kPollInterval{50};

std::string UtcTime(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class FileStoreLock final : public StoreLock {
 public:
  FileStoreLock(std::shared_ptr<LockFile> file, std::string platform)
      : file_(std::move(file)), platform_(std::move(platform)) {}
  ~FileStoreLock() override { file_->Release(); }
  bool held() override { return true; }
  const std::string& platform() const override { return platform_; }

 private:
  std::shared_ptr<LockFile> file_;
  std::string platform_;
};

}  // namespace

std::string LocalHostName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "unknown";
  return host;
}

LockFile::LockFile(std::string db_path)
    : db_path_(std::move(db_path)), lock_path_(db_path_ + ".lock") {}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Status LockFile::Acquire(const LockOptions& options) {
  std::lock_guard lock(mu_);
  if (shares_ > 0) {
    ++shares_;
    return OkStatus();
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (true) {
    bool busy = false;
    Status s = TryOnce(options, busy);
    if (!busy) return s;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string waited;
      if (options.timeout.count() > 0) {
        waited = " (waited " + std::to_string(options.timeout.count()) + " ms)";
      }
      return Unavailable("state " + db_path_ + " is locked by " + Holder() + waited +
                         "; another idsync apply or run is using it; use --lock-timeout "
                         "to wait");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status LockFile::TryOnce(const LockOptions& options, bool& busy) {
  if (fd_ < 0) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0) {
      return FailedPrecondition("state " + db_path_ + ": cannot open the lock file " +
                                lock_path_ + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && (st.st_mode & 077) != 0) (void)::fchmod(fd_, 0600);
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK || errno == EINTR) {
      busy = true;
      return OkStatus();
    }
    return FailedPrecondition("state " + db_path_ + ": cannot lock " + lock_path_ + ": " +
                              std::strerror(errno));
  }
  std::ostringstream info;
  info << "identity=" << options.identity << "\npid=" << ::getpid()
       << "\nhost=" << LocalHostName() << "\nsince=" << std::time(nullptr) << "\n";
  const std::string text = info.str();
  // Best effort: the lock is what counts, the text only explains it to others.
  if (::ftruncate(fd_, 0) == 0) {
    (void)!::pwrite(fd_, text.data(), text.size(), 0);
  }
  shares_ = 1;
  return OkStatus();
}

void LockFile::Release() {
  std::lock_guard lock(mu_);
  if (shares_ == 0 || --shares_ > 0) return;
  (void)!::ftruncate(fd_, 0);
  ::flock(fd_, LOCK_UN);
}

std::string LockFile::Holder() const {
  char buf[2048];
  const int fd = ::open(lock_path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t n = fd >= 0 ? ::pread(fd, buf, sizeof buf - 1, 0) : -1;
  if (fd >= 0) ::close(fd);
  std::map<std::string, std::string> fields;
  std::istringstream in(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0));
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (fields.count("pid") == 0) return "another process (its identity is not recorded yet)";
  std::string since;
  try {
    since = " since " + UtcTime(std::stoll(fields["since"]));
  } catch (const std::exception&) {
  }
  const std::string id = fields["identity"].empty() ? "an applier" : fields["identity"];
  return id + " (pid " + fields["pid"] + " on host " + fields["host"] + ")" + since;
}

std::unique_ptr<StoreLock> MakeFileStoreLock(std::shared_ptr<LockFile> file,
                                             std::string platform) {
  return std::make_unique<FileStoreLock>(std::move(file), std::move(platform));
}

}  // namespace idsync
