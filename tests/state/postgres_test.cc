// PostgreSQL only: URI redaction, connection keywords, locks that die with their
// session, the journal fence, a SELECT-only reader and schema versions, against the
// binary's throwaway cluster (tests/support/postgres.h).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "state/pg_uri.h"
#include "state/postgres_store.h"
#include "state/store.h"
#include "tests/state/backend.h"
#include "tests/support/postgres.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;
using testing::MustOpen;
using testing::PostgresCluster;

using testing::Invite;

std::string DbName(const std::string& uri) { return uri.substr(uri.rfind('/') + 1); }

TEST_CASE("URIs are redacted: the password never appears") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"postgresql://idsync:s3cret@db.acme.io:5432/idsync",
       "postgresql://idsync:***@db.acme.io:5432/idsync"},
      {"postgres://u:p%40ss@h/db?sslmode=verify-full&password=two&application_name=x",
       "postgres://u:***@h/db?sslmode=verify-full&password=***&application_name=x"},
      {"postgresql://u:pa/ss@w@ord@h/db", "postgresql://u:***@h/db"},
      {"postgresql://u@h/db?sslpassword=k", "postgresql://u@h/db?sslpassword=***"},
      {"postgresql://h/db", "postgresql://h/db"},
      {"postgresql:///db?host=/run/postgresql", "postgresql:///db?host=/run/postgresql"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.first);
    CHECK(RedactUri(c.first) == c.second);
  }
}

TEST_CASE("connections set TCP keepalives unless the URI sets its own") {
  const PgKeywords keywords = PostgresKeywords("postgresql://h/db?keepalives_idle=30");
  REQUIRE_FALSE(keywords.empty());
  CHECK(keywords.back() == std::make_pair(std::string("dbname"),
                                          std::string("postgresql://h/db?keepalives_idle=30")));
  auto value = [&](const std::string& key) {
    for (const auto& kv : keywords) {
      if (kv.first == key) return kv.second;
    }
    return std::string();
  };
  CHECK(value("keepalives") == "1");
  CHECK(value("keepalives_idle") == "5");  // before dbname: the URI's 30 wins
  CHECK(value("keepalives_interval") == "2");
  CHECK(value("keepalives_count") == "3");
  CHECK(Store::Open("postgresql://127.0.0.1:1/x?connect_timeout=2").status().code() ==
        StatusCode::kUnavailable);
}

TEST_CASE("errors name the database without its password") {
  PostgresCluster& cluster = PostgresCluster::Shared();
  const std::string uri = "postgresql://postgres:hunter2@127.0.0.1:" +
                          std::to_string(cluster.port()) + "/no_such_database";
  StatusOr<std::unique_ptr<Store>> store = Store::Open(uri);
  REQUIRE_FALSE(store.ok());
  const std::string message = store.status().message();
  CAPTURE(message);
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(message.find("postgres:***@127.0.0.1") != std::string::npos);
  CHECK(message.find("no_such_database") != std::string::npos);
}

TEST_CASE("a lock dies with its session; the old holder's journal is then fenced") {
  PostgresCluster& cluster = PostgresCluster::Shared();
  const std::string uri = cluster.NewDatabase();
  auto leader = MustOpen(uri);
  auto standby = MustOpen(uri);
  StatusOr<std::unique_ptr<StoreLock>> lock = leader->Lock("astro", {"leader-" + DbName(uri), {}});
  REQUIRE_MESSAGE(lock.ok(), lock.status().ToString());
  StatusOr<int64_t> before = leader->JournalBegin(0, Invite("astro", "a@acme.io"), 1);
  REQUIRE_MESSAGE(before.ok(), before.status().ToString());

  // The leader's session is killed (a network partition, a failover of the server).
  CHECK(cluster.Query(uri, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE application_name = 'idsync:leader-" + DbName(uri) + "'") ==
        "1");
  // The server released the lock with the session: the standby gets it.
  StatusOr<std::unique_ptr<StoreLock>> taken = standby->Lock("astro", {"standby", 60s});
  REQUIRE_MESSAGE(taken.ok(), taken.status().ToString());

  CHECK_FALSE((*lock)->held());
  StatusOr<int64_t> fenced = leader->JournalBegin(0, Invite("astro", "b@acme.io"), 2);
  REQUIRE_FALSE(fenced.ok());
  CHECK(fenced.status().code() == StatusCode::kFailedPrecondition);
  CHECK(fenced.status().message().find("leadership (lock) of platform astro lost") !=
        std::string::npos);
  lock->reset();  // the old leader lets go; it may reconnect, but is still fenced
  fenced = leader->JournalBegin(0, Invite("astro", "c@acme.io"), 3);
  CHECK(fenced.status().code() == StatusCode::kFailedPrecondition);
  StatusOr<std::vector<JournalEntry>> rows = standby->History({});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);  // only the row journalled while it was leader
  CHECK(rows->front().email == "a@acme.io");
  // The new leader journals; the old one, after re-taking nothing, still cannot.
  CHECK(standby->JournalBegin(0, Invite("astro", "d@acme.io"), 4).ok());
  CHECK(leader->Runs(0).ok());  // unfenced calls work again on a new session
}

TEST_CASE("a fenced platform journals again once its lock is taken again") {
  const std::string uri = PostgresCluster::Shared().NewDatabase();
  auto store = MustOpen(uri);
  {
    auto lock = store->Lock("astro", {"x", {}});
    REQUIRE(lock.ok());
    CHECK((*lock)->held());
  }
  CHECK(store->JournalBegin(0, Invite("astro", "a@acme.io"), 1).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(store->JournalBegin(0, Invite("houston", "a@acme.io"), 1).ok());  // never locked
  auto again = store->Lock("astro", {"x", {}});
  REQUIRE(again.ok());
  CHECK(store->JournalBegin(0, Invite("astro", "a@acme.io"), 2).ok());
}

TEST_CASE("recording adopts is fenced like a journal begin: a lost lock records none") {
  const std::string uri = PostgresCluster::Shared().NewDatabase();
  auto store = MustOpen(uri);
  Action action = Invite("astro", "a@acme.io");
  action.verb = Verb::kAdopt;
  Adoption adopt;
  adopt.action = &action;
  adopt.account.platform = "astro";
  adopt.account.email = "a@acme.io";
  {
    auto lock = store->Lock("astro", {"x", {}});
    REQUIRE(lock.ok());
    Status held = store->RecordAdopts(0, {adopt}, 1);
    CHECK_MESSAGE(held.ok(), held.ToString());
  }
  adopt.account.user_id = "changed";
  Status fenced = store->RecordAdopts(0, {adopt}, 2);
  CHECK(fenced.code() == StatusCode::kFailedPrecondition);
  CHECK(fenced.message().find("leadership (lock) of platform astro lost") != std::string::npos);
  auto managed = store->Managed("astro");
  REQUIRE(managed.ok());
  CHECK(managed->at("a@acme.io").user_id.empty());  // the fenced call wrote nothing
  auto rows = store->History({});
  REQUIRE(rows.ok());
  CHECK(rows->size() == 1);
}

TEST_CASE("a role with SELECT only reads the state read-only") {
  PostgresCluster& cluster = PostgresCluster::Shared();
  const std::string uri = cluster.NewDatabase();
  const std::string db = DbName(uri);
  auto writer = MustOpen(uri);
  REQUIRE(writer->PutUserId("astro", "alice@acme.io", "u1").ok());
  REQUIRE(writer->BeginRun("apply", "d", "", 5).ok());
  const std::string role = "reader_" + db;
  cluster.Query(uri, "CREATE ROLE " + role + " LOGIN; GRANT CONNECT ON DATABASE " + db +
                         " TO " + role + "; GRANT USAGE ON SCHEMA public TO " + role +
                         "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);

  auto reader = MustOpen(cluster.Uri(db, role), StoreAccess::kReadOnly);
  StatusOr<std::optional<std::string>> id = reader->CachedUserId("astro", "alice@acme.io");
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  CHECK(*id == std::optional<std::string>("u1"));
  StatusOr<std::vector<RunRecord>> runs = reader->Runs(0);
  REQUIRE(runs.ok());
  CHECK(runs->size() == 1);
  CHECK_FALSE(reader->PutUserId("astro", "bob@acme.io", "u2").ok());
  CHECK(reader->Lock("astro", {"r", {}}).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("version 2 splits a snapshot into its time and its listing text; readers see the same text") {
  PostgresCluster& cluster = PostgresCluster::Shared();
  const std::string uri = cluster.NewDatabase();
  const std::string ws = R"({"taken_at":1700000005,"complete":true,"users":[{"email":"a@acme.io"}]})";
  cluster.Query(uri, "CREATE TABLE schema_version (version INTEGER NOT NULL); "
                     "INSERT INTO schema_version VALUES (1);" + PostgresMigrations().front());
  cluster.Query(uri, "INSERT INTO snapshots (platform, taken_at, json) VALUES ('ws', 1700000006, '" + ws +
                         "'), ('empty', 1, '{\"taken_at\":-3,\"complete\":false,\"users\":[]}'), "
                         "('foreign', 1, '{\"v\":1}')");
  auto store = MustOpen(uri);
  CHECK(cluster.Query(uri, "SELECT version FROM schema_version") == std::to_string(PostgresMigrations().size()));
  CHECK(*store->Snapshot("ws") == ws);
  CHECK(*store->Snapshot("empty") == R"({"taken_at":-3,"complete":false,"users":[]})");
  CHECK_FALSE(store->Snapshot("foreign")->has_value());  // not written by idsync: dropped
  CHECK(cluster.Query(uri, "SELECT l.json || ' ' || s.taken_at || ' [' || s.digest || ']' FROM snapshots s "
                           "JOIN snapshot_listings l ON l.platform = s.platform WHERE s.platform = 'ws'") == R"({"complete":true,"users":[{"email":"a@acme.io"}]} 1700000005 [])");
  StatusOr<bool> touched = store->TouchSnapshot("ws", "", 9);  // a migrated row has no digest
  REQUIRE(touched.ok());
  CHECK_FALSE(*touched);
}

TEST_CASE("a database from a newer idsync is refused; concurrent openers migrate once") {
  PostgresCluster& cluster = PostgresCluster::Shared();
  const std::string uri = cluster.NewDatabase();
  std::vector<std::thread> openers;
  std::vector<Status> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    openers.emplace_back([&, i] { results[i] = Store::Open(uri).status(); });
  }
  for (std::thread& t : openers) t.join();
  for (const Status& s : results) CHECK_MESSAGE(s.ok(), s.ToString());
  const int known = static_cast<int>(PostgresMigrations().size());
  CHECK(cluster.Query(uri, "SELECT string_agg(version::text, ',') FROM schema_version") ==
        std::to_string(known));

  cluster.Query(uri, "UPDATE schema_version SET version = " + std::to_string(known + 3));
  for (StoreAccess access : {StoreAccess::kReadWrite, StoreAccess::kReadOnly}) {
    StatusOr<std::unique_ptr<Store>> store = Store::Open(uri, access);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message() == "state DB " + uri + " has schema version " +
                                          std::to_string(known + 3) +
                                          ", this idsync knows up to " + std::to_string(known));
  }
}

}  // namespace
}  // namespace idsync
