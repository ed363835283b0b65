// A fresh directory under the system temp dir for one test, removed with everything in
// it when the TempDir goes. The one copy every test uses.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <system_error>

namespace idsync::testing {

class TempDir {
 public:
  TempDir() : TempDir("idsync-test") {}
  explicit TempDir(const std::string& prefix) {
    static std::atomic<int> counter{0};
    std::random_device random;
    fs_path_ = std::filesystem::temp_directory_path() /
               (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                std::to_string(random()));
    std::filesystem::create_directories(fs_path_);
    path_ = fs_path_.string();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(fs_path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  const std::filesystem::path& fs_path() const { return fs_path_; }
  // The path of `name` inside the directory (not created).
  std::string File(const std::string& name) const { return (fs_path_ / name).string(); }
  // Writes `text` to `name` (parent directories created); returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    auto p = fs_path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  // The contents of `name` ("" when it cannot be read).
  std::string Read(const std::string& name) const {
    std::ifstream in(fs_path_ / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::filesystem::path fs_path_;
  std::string path_;
};

}  // namespace idsync::testing
