// The state backends an integration test runs against: a SQLite file, and a real
// throwaway PostgreSQL cluster (tests/support/postgres.h; Debian's postgresql package,
// installed by scripts/install-deps). Each test asks a backend for a fresh, empty state.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace idsync::testing {

class StateBackend {
 public:
  virtual ~StateBackend() = default;
  virtual std::string Name() const = 0;
  // A fresh, empty state for one test: a path in `dir`, or a new database's URI.
  virtual std::string NewState(const TempDir& dir) = 0;
  // Everything the state holds, as text: equal before and after means nothing wrote.
  virtual std::string Fingerprint(const std::string& state) = 0;
  // `state` through read-only access (a read-only file, a SELECT-only role), or ""
  // when this machine cannot take write access away (root ignores file modes).
  virtual std::string ReadOnly(const std::string& state, const TempDir& dir) = 0;
  // Gives back what ReadOnly took away, so the test's directories can be removed.
  virtual void Restore() {}
};

class SqliteBackend final : public StateBackend {
 public:
  ~SqliteBackend() override { Restore(); }
  void Restore() override {
    std::error_code ec;
    for (const auto& d : readonly_dirs_) std::filesystem::permissions(d, std::filesystem::perms::owner_all, ec);
    readonly_dirs_.clear();
  }
  std::string Name() const override { return "sqlite"; }
  std::string NewState(const TempDir& dir) override { return dir.path() + "/state.db"; }
  // The names of the files beside the database that belong to it, and the bytes of
  // the database, its WAL and its lock file.
  std::string Fingerprint(const std::string& state) override {
    namespace fs = std::filesystem;
    std::ostringstream out;
    const std::string base = fs::path(state).filename().string();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(fs::path(state).parent_path())) {
      std::string name = e.path().filename().string();
      if (name.rfind(base, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      out << name << '\n';
      if (name.size() >= 4 && name.compare(name.size() - 4, 4, "-shm") == 0) continue;
      std::ifstream in(fs::path(state).parent_path() / name, std::ios::binary);
      out << in.rdbuf() << '\n';
    }
    return out.str();
  }
  // A copy of the database (and WAL) in a directory and files without write permission.
  std::string ReadOnly(const std::string& state, const TempDir& dir) override {
    namespace fs = std::filesystem;
    if (geteuid() == 0) return "";
    fs::path ro = fs::path(dir.path()) / "readonly";
    fs::create_directories(ro);
    for (const char* suffix : {"", "-wal"}) {
      if (!fs::exists(state + suffix)) continue;
      fs::copy_file(state + suffix, ro / (fs::path(state).filename().string() + suffix));
      fs::permissions(ro / (fs::path(state).filename().string() + suffix), fs::perms::owner_read);
    }
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    readonly_dirs_.push_back(ro.string());
    return (ro / fs::path(state).filename()).string();
  }

 private:
  std::vector<std::string> readonly_dirs_;
};

// PostgreSQL through the throwaway cluster of tests/support/postgres.h (one per test
// program, a new database per NewState). SQL runs as the superuser; the tests only use
// it for what idsync cannot show them (terminating a session, a SELECT-only role).
class PostgresBackend final : public StateBackend {
 public:
  std::string Name() const override { return "postgresql"; }
  std::string NewState(const TempDir& dir) override;
  std::string Fingerprint(const std::string& state) override;
  // A role with CONNECT and SELECT only on `state`'s database, as a URI.
  std::string ReadOnly(const std::string& state, const TempDir& dir) override;
  // Runs `sql` on the database of `uri` as the superuser: the first column of the
  // first row ("" if none).
  std::string Query(const std::string& uri, const std::string& sql);

 private:
  int roles_ = 0;
};

// The one PostgreSQL backend of the test program; its cluster starts at the first use
// (tests/support/postgres.h throws, with the server's log, when it cannot).
PostgresBackend* SharedPostgres();

// SQLite and PostgreSQL (one of each per test program).
std::vector<StateBackend*> StateBackends();

}  // namespace idsync::testing
