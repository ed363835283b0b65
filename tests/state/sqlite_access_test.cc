// SQLite only: the lock file next to the database, and read-only readers that never
// create or write a file (a missing path, a read-only file in a read-only directory
// owned by another user, a file a writer has open).
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "state/schema.h"
#include "state/store.h"
#include "tests/state/backend.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

using testing::MustOpen;
using testing::TempDir;

constexpr uid_t kNobody = 65534;

std::set<std::string> Files(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

// A database with one finished run and one journal row, closed (no -wal left).
void MakeDatabase(const std::string& path) {
  auto store = MustOpen(path);
  StatusOr<int64_t> run = store->BeginRun("apply", "sha256:1", "", 10);
  REQUIRE(run.ok());
  Action a;
  a.platform = "astro";
  a.email = "alice@acme.io";
  a.verb = Verb::kInvite;
  StatusOr<int64_t> id = store->JournalBegin(*run, a, 11);
  REQUIRE(id.ok());
  REQUIRE(store->JournalFinish(*id, JournalStatus::kSucceeded, "", 2, 12).ok());
  REQUIRE(store->FinishRun(*run, "ok", 13).ok());
}

TEST_CASE("the lock file sits next to the database with mode 0600 and names its holder") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto store = MustOpen(path);
  StatusOr<std::unique_ptr<StoreLock>> lock = store->Lock("astro", {"replica-a", {}});
  REQUIRE_MESSAGE(lock.ok(), lock.status().ToString());
  struct stat st {};
  REQUIRE(::stat((path + ".lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::FILE* f = std::fopen((path + ".lock").c_str(), "r");
  REQUIRE(f != nullptr);
  char buf[512] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string text(buf, n);
  CHECK(text.find("identity=replica-a") != std::string::npos);
  CHECK(text.find("pid=" + std::to_string(::getpid())) != std::string::npos);
}

TEST_CASE("read-only on a missing path reads an empty state and creates no file") {
  TempDir dir;
  const std::string path = dir.File("NEW.db");
  auto store = MustOpen(path, StoreAccess::kReadOnly);
  StatusOr<std::vector<RunRecord>> runs = store->Runs(0);
  REQUIRE_MESSAGE(runs.ok(), runs.status().ToString());
  CHECK(runs->empty());
  StatusOr<ManagedAccounts> managed = store->Managed("astro");
  REQUIRE(managed.ok());
  CHECK(managed->empty());
  CHECK(store->BeginRun("plan", "d", "", 1).status().code() == StatusCode::kFailedPrecondition);
  CHECK(store->Lock("astro", {"x", {}}).status().code() == StatusCode::kFailedPrecondition);
  store.reset();
  CHECK(Files(dir.path()).empty());
}

TEST_CASE("read-only on a closed database reads it and leaves no -wal or -shm behind") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  MakeDatabase(path);
  REQUIRE(Files(dir.path()) == std::set<std::string>{"state.db"});
  {
    auto store = MustOpen(path, StoreAccess::kReadOnly);
    StatusOr<std::vector<JournalEntry>> history = store->History({});
    REQUIRE_MESSAGE(history.ok(), history.status().ToString());
    REQUIRE(history->size() == 1);
    CHECK(history->front().attempts == 2);
    CHECK_FALSE(store->PutUserId("astro", "alice@acme.io", "u1").ok());
    CHECK(Files(dir.path()) == std::set<std::string>{"state.db"});
  }
  CHECK(Files(dir.path()) == std::set<std::string>{"state.db"});
}

TEST_CASE("read-only sees what a writer has committed but not yet checkpointed") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto writer = MustOpen(path);
  REQUIRE(writer->PutUserId("astro", "alice@acme.io", "u1").ok());
  auto reader = MustOpen(path, StoreAccess::kReadOnly);
  StatusOr<std::optional<std::string>> id = reader->CachedUserId("astro", "alice@acme.io");
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  CHECK(*id == std::optional<std::string>("u1"));
  REQUIRE(writer->PutUserId("astro", "bob@acme.io", "u2").ok());
  id = reader->CachedUserId("astro", "bob@acme.io");
  REQUIRE(id.ok());
  CHECK(*id == std::optional<std::string>("u2"));
}

TEST_CASE("read-only refuses a database from a newer idsync, naming both versions") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const int known = static_cast<int>(SchemaMigrations().size());
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE future (x)");
    db.exec("PRAGMA user_version = " + std::to_string(known + 1));
  }
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path, StoreAccess::kReadOnly);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("schema version " + std::to_string(known + 1)) !=
        std::string::npos);
}

// In a child process without the right to write the file or its directory (as
// `nobody` when the tests run as root, whose permission bits would not stop it),
// reads the database read-only. Returns the child's exit code: 0 all well, 10 the
// child could write after all (the test would prove nothing), 11+ a failed step.
int ReadAsUnprivilegedChild(const std::string& dir, const std::string& path) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
      ::_exit(20);
    }
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (fd >= 0 || ::access(dir.c_str(), W_OK) == 0) ::_exit(10);
    StatusOr<std::unique_ptr<Store>> store = Store::Open(path, StoreAccess::kReadOnly);
    if (!store.ok()) {
      std::fprintf(stderr, "read-only open: %s\n", store.status().ToString().c_str());
      ::_exit(11);
    }
    StatusOr<std::vector<JournalEntry>> history = (*store)->History({});
    if (!history.ok() || history->size() != 1) ::_exit(12);
    StatusOr<std::vector<RunRecord>> runs = (*store)->Runs(0);
    if (!runs.ok() || runs->size() != 1 || runs->front().result != "ok") ::_exit(13);
    if ((*store)->BeginRun("plan", "d", "", 1).ok()) ::_exit(14);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

TEST_CASE("read-only reads a 0400 file in a 0500 directory owned by another user") {
  TempDir dir;
  const std::string sub = (dir.fs_path() / "ro").string();
  std::filesystem::create_directory(sub);
  const std::string path = sub + "/state.db";
  MakeDatabase(path);
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  if (::geteuid() == 0) {
    // Root ignores permission bits: the reader becomes `nobody`, which owns the
    // read-only file and directory, like systemd's DynamicUser does.
    REQUIRE(::chown(sub.c_str(), kNobody, kNobody) == 0);
    REQUIRE(::chown(path.c_str(), kNobody, kNobody) == 0);
  }
  REQUIRE(::chmod(sub.c_str(), 0500) == 0);
  CHECK(ReadAsUnprivilegedChild(sub, path) == 0);
  CHECK(Files(sub) == std::set<std::string>{"state.db"});
  REQUIRE(::chmod(sub.c_str(), 0700) == 0);  // so that TempDir can remove it
}

}  // namespace
}  // namespace idsync
