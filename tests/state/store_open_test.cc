// Opening the state database: file mode, WAL, schema version and migrations.
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include "state/schema.h"
#include "state/store.h"
#include "tests/state/backend.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

using testing::MustOpen;
using testing::TempDir;

mode_t FileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("a new database file is created with mode 0600 whatever the umask") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const mode_t old_umask = ::umask(0);  // the most permissive umask
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ::umask(old_umask);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  CHECK(FileMode(path) == 0600);
  // A write makes SQLite create the -wal and -shm files: they must be private too.
  REQUIRE((*store)->BeginRun("apply", "d", "", 1).ok());
  CHECK(FileMode(path + "-wal") == 0600);
  CHECK(FileMode(path + "-shm") == 0600);
}

TEST_CASE("an existing database readable by others is tightened to 0600") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  MustOpen(path).reset();
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  std::ofstream(path + "-wal").close();
  REQUIRE(::chmod((path + "-wal").c_str(), 0666) == 0);
  auto store = MustOpen(path);  // kept open: closing the last connection deletes -wal
  CHECK(FileMode(path) == 0600);
  CHECK(FileMode(path + "-wal") == 0600);
}

TEST_CASE("the database is in WAL mode and at the current schema version") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto store = MustOpen(path);
  SQLite::Database other(path, SQLite::OPEN_READONLY);
  CHECK(other.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(other.execAndGet("PRAGMA user_version").getInt() ==
        static_cast<int>(SchemaMigrations().size()));
  CHECK(other.tableExists("journal"));
  CHECK(other.tableExists("user_ids"));
}

TEST_CASE("reopening a database keeps its data") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  int64_t run = 0;
  {
    auto store = MustOpen(path);
    StatusOr<int64_t> r = store->BeginRun("apply", "sha256:abc", "0123abcd", 100);
    REQUIRE(r.ok());
    run = *r;
    REQUIRE(store->PutSnapshot("astro", R"({"users":[]})", "d", 101).ok());
  }
  auto store = MustOpen(path);
  StatusOr<std::vector<RunRecord>> runs = store->Runs(10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 1);
  CHECK(runs->front().id == run);
  CHECK(runs->front().manifest_digest == "sha256:abc");
  StatusOr<std::optional<std::string>> snapshot = store->Snapshot("astro");
  REQUIRE(snapshot.ok());
  CHECK(*snapshot == std::optional<std::string>(R"({"taken_at":101,"users":[]})"));
}

TEST_CASE("a database from a newer idsync is refused with both versions named") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const int known = static_cast<int>(SchemaMigrations().size());
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA user_version = " + std::to_string(known + 5));
  }
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == StatusCode::kFailedPrecondition);
  CHECK(store.status().message() == "state DB " + path + " has schema version " +
                                        std::to_string(known + 5) +
                                        ", this idsync knows up to " + std::to_string(known));
}

TEST_CASE("migrations apply only the steps a database has not run, once each") {
  TempDir dir;
  const std::string path = dir.File("m.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const std::vector<std::string> v1 = {"CREATE TABLE a (x INTEGER)"};
  const std::vector<std::string> v2 = {"CREATE TABLE a (x INTEGER)",
                                       "INSERT INTO a VALUES (7)"};
  REQUIRE(Migrate(db, path, v1).ok());
  CHECK(SchemaVersion(db) == 1);
  REQUIRE(Migrate(db, path, v2).ok());
  REQUIRE(Migrate(db, path, v2).ok());  // already there: nothing runs again
  CHECK(SchemaVersion(db) == 2);
  CHECK(db.execAndGet("SELECT count(*) FROM a").getInt() == 1);
}

TEST_CASE("a version 1 journal is rebuilt with its rows, ids and next id, and the same status check") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    REQUIRE(Migrate(db, path, {SchemaMigrations().front()}).ok());
    db.exec("INSERT INTO runs (id, started_at, command) VALUES (5, 1, 'apply')");
    db.exec("INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, error, "
            "created_at, updated_at) VALUES (5, 'ws', 'a@acme.io', 'invite', '{}', 'failed', 2, 'boom', 3, 4), "
            "(NULL, 'ws', 'b@acme.io', 'adopt', '{}', 'succeeded', 0, '', 5, 6), "
            "(5, 'ws', 'c@acme.io', 'invite', '{}', 'pending', 1, '', 7, 8)");
    db.exec("DELETE FROM journal WHERE id = 3");  // ids are never reused: the next is 4
  }
  auto store = MustOpen(path);
  HistoryQuery all;
  all.limit = 0;
  StatusOr<std::vector<JournalEntry>> rows = store->History(all);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const JournalEntry& a = rows->back();
  CHECK(a.id == 1);
  CHECK(a.run_id == 5);
  CHECK(a.email == "a@acme.io");
  CHECK(a.status == JournalStatus::kFailed);
  CHECK(a.attempts == 2);
  CHECK(a.error == "boom");
  CHECK(a.created_at == 3);
  CHECK(a.updated_at == 4);
  CHECK(rows->front().id == 2);
  CHECK(rows->front().run_id == 0);
  Action invite;
  invite.platform = "ws";
  invite.email = "d@acme.io";
  StatusOr<int64_t> next = store->JournalBegin(0, invite, 9);
  REQUIRE(next.ok());
  CHECK(*next == 4);

  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  CHECK(SchemaVersion(db) == static_cast<int>(SchemaMigrations().size()));
  CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' "
                      "AND name IN ('journal_email', 'journal_platform_status')").getInt() == 2);
  CHECK_THROWS_AS(db.exec("INSERT INTO journal (platform, email, action, status, created_at, updated_at) "
                          "VALUES ('ws', 'e@acme.io', 'invite', 'bogus', 1, 1)"),
                  SQLite::Exception);
  for (const char* status : {"pending", "succeeded", "failed", "deferred", "held"}) {
    CAPTURE(status);
    SQLite::Statement ok(db, "INSERT INTO journal (platform, email, action, status, created_at, updated_at) "
                             "VALUES ('ws', 'f@acme.io', 'invite', ?, 1, 1)");
    ok.bind(1, status);
    CHECK(ok.exec() == 1);
  }
  // The check is plain comparisons: writing a row builds no temporary index.
  SQLite::Statement plan(db, "EXPLAIN INSERT INTO journal (platform, email, action, status, created_at, "
                             "updated_at) VALUES ('ws', 'g@acme.io', 'invite', 'held', 1, 1)");
  int ephemeral = 0;
  while (plan.executeStep()) ephemeral += plan.getColumn(1).getString() == "OpenEphemeral" ? 1 : 0;
  CHECK(ephemeral == 0);
}

TEST_CASE("version 3 splits a snapshot into its time and its listing text; readers see the same text") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  const std::string ws = R"({"taken_at":1700000005,"complete":true,"users":[{"email":"a@acme.io"}]})";
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode = WAL");
    const std::vector<std::string> v2(SchemaMigrations().begin(), SchemaMigrations().begin() + 2);
    REQUIRE(Migrate(db, path, v2).ok());
    SQLite::Statement put(db, "INSERT INTO snapshots (platform, taken_at, json) VALUES (?, ?, ?)");
    // The text's time is the one readers saw (the column was taken a moment later).
    for (const auto& [platform, json] : {std::pair<const char*, std::string>{"ws", ws},
                                         {"empty", R"({"taken_at":-3,"complete":false,"users":[]})"},
                                         {"foreign", R"({"v":1})"}}) {
      put.bind(1, platform);
      put.bind(2, 1700000006);
      put.bind(3, json);
      put.exec();
      put.reset();
    }
  }
  auto store = MustOpen(path);
  CHECK(*store->Snapshot("ws") == ws);
  CHECK(*store->Snapshot("empty") == R"({"taken_at":-3,"complete":false,"users":[]})");
  CHECK_FALSE(store->Snapshot("foreign")->has_value());  // not written by idsync: dropped
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT l.json || ' ' || s.taken_at || ' [' || s.digest || ']' FROM snapshots s "
                      "JOIN snapshot_listings l ON l.platform = s.platform WHERE s.platform = 'ws'")
            .getString() == R"({"complete":true,"users":[{"email":"a@acme.io"}]} 1700000005 [])");
  CHECK(db.execAndGet("SELECT count(*) FROM pragma_table_info('snapshots') WHERE name = 'json'").getInt() == 0);
  StatusOr<bool> touched = store->TouchSnapshot("ws", "", 9);  // a migrated row has no digest
  REQUIRE(touched.ok());
  CHECK_FALSE(*touched);
  REQUIRE(store->PutSnapshot("ws", R"({"complete":true,"users":[]})", "d", 10).ok());
  CHECK(*store->Snapshot("ws") == R"({"taken_at":10,"complete":true,"users":[]})");
}

TEST_CASE("a failing migration leaves the version where it was") {
  TempDir dir;
  const std::string path = dir.File("m.db");
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const std::vector<std::string> broken = {"CREATE TABLE a (x INTEGER)",
                                           "CREATE TABLE b (y); INSERT INTO nowhere VALUES (1)"};
  Status status = Migrate(db, path, broken);
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().find("state DB " + path) == 0);
  CHECK(status.message().find("nowhere") != std::string::npos);
  CHECK(SchemaVersion(db) == 1);
  CHECK_FALSE(db.tableExists("b"));
}

TEST_CASE("a file that is not a database is an error naming the path") {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  std::ofstream(path) << "this is not an SQLite database, just some text that is long "
                         "enough to fill a header page of a database file.........";
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find(path) != std::string::npos);
}

TEST_CASE("a database in a missing directory is an error naming the path") {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/state.db");
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("state DB " + path) == 0);
}

}  // namespace
}  // namespace idsync
