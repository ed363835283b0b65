// Faults of the machine itself (issue 15 item 12): the state DB locked by another
// process, a full disk and a read-only file system. Each gives an error naming the
// state file, sends no request whose journal row is not on disk (the simulator's
// counters against the journal), and loses nothing already recorded. (A failed
// fdatasync is tested with an injected sync: tests/state/wal_file_test.cc.)
//
// The full-disk and read-only cases mount a small tmpfs, which needs root; without it
// they are skipped with a message.
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <SQLiteCpp/Database.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

using nlohmann::json;

const std::string kSeed = WsSeed("    - { email: bob@acme.io, accountType: DEVELOPER }\n");

std::string Manifest(const Sim& sim, int invites) {
  std::string users = "  - { email: bob@acme.io, roles: [engineer] }\n";
  for (int i = 0; i < invites; ++i) users += "  - { email: new" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  return WsHead(sim, WsCredentials::kInline) +
         "roles: { engineer: { ws: DEVELOPER } }\n"
         "users:\n" + users;
}

struct Fixture {
  Sim sim{kSeed};
  TempDir dir;
  std::string state;  // the state DB path
  std::map<std::string, std::string> env = kWsEnv;
  explicit Fixture(const std::string& state_dir = "") : state((state_dir.empty() ? dir.path() : state_dir) + "/state.db") {}
  RunResult Apply(int invites) {
    dir.Write("idsync.yaml", Manifest(sim, invites));
    return Idsync({"apply", "-f", dir.path() + "/idsync.yaml", "--state", state}, env);
  }
  int Invites() { return sim.Counters()["workspace"].value("inviteUser", 0); }
  json History() {
    RunResult r = Idsync({"history", "--state", state, "--format", "json", "--limit", "100000"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
  }
  // The first apply, two invitations; REQUIREs that it succeeded.
  void ApplyFirst() {
    RunResult first = Apply(2);
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  }
  int InviteRows() {
    int n = 0;
    for (const auto& r : History()) n += r["action"] == "invite" ? 1 : 0;
    return n;
  }
};

// A tmpfs of `kib` KiB at `path`, unmounted at the end of the scope.
class Tmpfs {
 public:
  Tmpfs(const std::string& path, int kib) : path_(path) {
    std::filesystem::create_directories(path);
    const std::string options = "size=" + std::to_string(kib) + "k,mode=0700";
    mounted_ = mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  // Read-only or read-write; `kib` > 0 also resizes it.
  bool Remount(bool read_only, int kib = 0) {
    const std::string options = kib > 0 ? "size=" + std::to_string(kib) + "k" : "";
    return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0),
                 options.empty() ? nullptr : options.c_str()) == 0;
  }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

// A tmpfs of `kib` KiB mounted at fs/ inside a fresh temp dir.
struct TmpfsDir {
  explicit TmpfsDir(int kib) : fs(mnt.path() + "/fs", kib) {}
  TempDir mnt;
  Tmpfs fs;
  std::string path() const { return mnt.path() + "/fs"; }
  // True (with a message saying why the case is skipped) when it could not be mounted.
  bool Unavailable() const {
    if (fs.mounted()) return false;
    MESSAGE("skipped: cannot mount a tmpfs (" << fs.error() << "); needs root");
    return true;
  }
};

// Writes zeros to `path` until the file system is full.
void Fill(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::string block(4096, '\0');
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
}

}  // namespace

TEST_CASE("a state DB locked by another process past the busy timeout: an error naming it, nothing sent") {
  Fixture f;
  f.ApplyFirst();
  const int rows_before = f.InviteRows();
  const int invites_before = f.Invites();

  SQLite::Database other(f.state, SQLite::OPEN_READWRITE);
  other.exec("BEGIN EXCLUSIVE");  // another process holds the write lock
  RunResult locked = f.Apply(6);
  other.exec("ROLLBACK");
  INFO(locked.err);
  CHECK(locked.exit_code != 0);
  CHECK(Has(locked.err, f.state));
  CHECK(Has(locked.err, "locked"));
  CHECK(f.Invites() == invites_before);  // no request without its journal row
  CHECK(f.InviteRows() == rows_before);   // nothing recorded is lost

  RunResult after = f.Apply(6);
  INFO(after.err);
  CHECK(after.exit_code == 0);
  CHECK(f.Invites() == 6);
}

TEST_CASE("a full disk: an error naming the state file, every request sent has its journal row, nothing lost") {
  TmpfsDir disk(1024);
  if (disk.Unavailable()) return;
  Fixture f(disk.path());
  f.ApplyFirst();
  const json before = f.History();

  Fill(disk.path() + "/filler");
  RunResult full = f.Apply(200);
  INFO(full.err);
  CHECK(full.exit_code != 0);
  CHECK(Has(full.err, f.state));
  std::filesystem::remove(disk.path() + "/filler");
  REQUIRE(disk.fs.Remount(false, 64 * 1024));  // room for the rest of the run

  // Every invitation the platform received has its journal row; the old rows are there.
  CHECK(f.Invites() <= f.InviteRows());
  const json after = f.History();
  CHECK(after.size() >= before.size());
  RunResult recovered = f.Apply(200);
  INFO(recovered.err);
  CHECK(recovered.exit_code == 0);
  CHECK(f.Invites() == 200);
}

TEST_CASE("a read-only file system: an error naming the state file, nothing sent, nothing lost") {
  TmpfsDir disk(4096);
  if (disk.Unavailable()) return;
  Fixture f(disk.path());
  f.ApplyFirst();
  const int rows_before = f.InviteRows();
  const int invites_before = f.Invites();

  REQUIRE(disk.fs.Remount(true));
  RunResult ro = f.Apply(6);
  INFO(ro.err);
  CHECK(ro.exit_code != 0);
  CHECK(Has(ro.err, f.state));
  CHECK(f.Invites() == invites_before);
  REQUIRE(disk.fs.Remount(false));
  CHECK(f.InviteRows() == rows_before);
  RunResult after = f.Apply(6);
  INFO(after.err);
  CHECK(after.exit_code == 0);
  CHECK(f.Invites() == 6);
}

}  // namespace idsync::testing
