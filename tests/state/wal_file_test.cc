// The WAL descriptor used for the durability sync follows the file at its path, and a
// failing sync stops JournalBegin with an error naming the state file.
#include "state/wal_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include "state/sqlite_store.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

using testing::TempDir;

ino_t InodeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

Action Invite(const std::string& email) {
  Action a;
  a.platform = "ws";
  a.email = email;
  a.verb = Verb::kInvite;
  return a;
}

}  // namespace

TEST_CASE("a WAL file removed and recreated is re-opened, so the new file is the one synced") {
  TempDir dir;
  const std::string path = dir.File("state.db-wal");
  WriteFile(path, "one");
  WalFile wal(path);
  REQUIRE(wal.Sync().ok());
  const ino_t first = wal.inode();
  CHECK(first == InodeOf(path));

  // Removed (the held descriptor's st_nlink drops to 0) while a second file exists, so
  // the new file cannot reuse the old inode number.
  const std::string keep = dir.File("keep");
  REQUIRE(rename(path.c_str(), keep.c_str()) == 0);
  WriteFile(path, "two");
  REQUIRE(unlink(keep.c_str()) == 0);
  REQUIRE(wal.Sync().ok());
  CHECK(wal.inode() == InodeOf(path));
  CHECK(wal.inode() != first);
}

TEST_CASE("a WAL file replaced by rename (another inode, old one still linked) is re-opened") {
  TempDir dir;
  const std::string path = dir.File("state.db-wal");
  WriteFile(path, "one");
  WalFile wal(path);
  REQUIRE(wal.Sync().ok());
  const std::string old_copy = dir.File("old-wal");
  REQUIRE(link(path.c_str(), old_copy.c_str()) == 0);  // the old inode stays linked
  const std::string fresh = dir.File("fresh");
  WriteFile(fresh, "two");
  REQUIRE(rename(fresh.c_str(), path.c_str()) == 0);
  REQUIRE(wal.Sync().ok());
  CHECK(wal.inode() == InodeOf(path));
}

TEST_CASE("a WAL file that is gone is an error naming it") {
  TempDir dir;
  WalFile wal(dir.File("absent-wal"));
  Status s = wal.Sync();
  CHECK(s.code() == StatusCode::kUnavailable);
  CHECK(s.message().find("absent-wal") != std::string::npos);
}

TEST_CASE("a failed fdatasync fails JournalBegin naming the state file; what was recorded stays") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto opened = Store::Open(path);
  REQUIRE(opened.ok());
  Store& store = **opened;
  auto run = store.BeginRun("apply", "d", "", 1);
  REQUIRE(run.ok());
  auto kept = store.JournalBegin(*run, Invite("kept@acme.io"), 2);
  REQUIRE(kept.ok());
  REQUIRE(store.JournalFinish(*kept, JournalStatus::kSucceeded, "", 1, 3).ok());

  auto* sqlite = dynamic_cast<SqliteStore*>(&store);
  REQUIRE(sqlite != nullptr);
  sqlite->SetWalSyncForTesting([](int) {
    errno = EIO;
    return -1;
  });
  auto failed = store.JournalBegin(*run, Invite("next@acme.io"), 4);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message().find(path) != std::string::npos);
  CHECK(failed.status().message().find("Input/output error") != std::string::npos);

  sqlite->SetWalSyncForTesting(nullptr);
  HistoryQuery q;
  q.email = "kept@acme.io";
  auto history = store.History(q);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK(history->front().status == JournalStatus::kSucceeded);
}

}  // namespace idsync
