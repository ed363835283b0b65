// Managed accounts, runs, platform statuses, snapshots and the user id cache.
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
#include <cctype>
#include <string>

#include <doctest/doctest.h>

#include "state/store.h"
#include "tests/state/backend.h"

namespace idsync {
namespace {

using testing::NewStateLocation;
using testing::TempDir;

struct Fixture {
  TempDir dir;
  std::string path = NewStateLocation(dir);
  std::unique_ptr<Store> store;
  Fixture() {
    StatusOr<std::unique_ptr<Store>> opened = Store::Open(path);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    store = std::move(*opened);
  }
};

ManagedAccount Account(const std::string& platform, const std::string& email) {
  ManagedAccount a;
  a.platform = platform;
  a.email = email;
  a.user_id = "id-" + email;
  a.first_managed = 1000;
  a.last_seen = 2000;
  a.last_asserted = 3000;
  return a;
}

TEST_CASE_FIXTURE(Fixture, "managed accounts round-trip with every grant part and flag") {
  ManagedAccount full = Account("houston", "alice@acme.io");
  full.grants.single = "SYSTEM_ADMIN";
  full.grants.scoped = {{"ws1", "WORKSPACE_EDITOR"}, {"ws2", "WORKSPACE_VIEWER"}};
  full.grants.set = {"g1", "g2"};
  full.retired = true;
  ManagedAccount bare = Account("houston", "bob@acme.io");  // no grants, active
  ManagedAccount elsewhere = Account("astro", "alice@acme.io");
  elsewhere.grants.single = "DEVELOPER";
  for (const ManagedAccount& a : {full, bare, elsewhere}) REQUIRE(store->PutManaged(a).ok());

  StatusOr<ManagedAccounts> houston = store->Managed("houston");
  REQUIRE(houston.ok());
  CHECK(*houston == ManagedAccounts{{"alice@acme.io", full}, {"bob@acme.io", bare}});
  StatusOr<ManagedAccounts> astro = store->Managed("astro");
  REQUIRE(astro.ok());
  CHECK(*astro == ManagedAccounts{{"alice@acme.io", elsewhere}});
  StatusOr<ManagedAccounts> none = store->Managed("nowhere");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE_FIXTURE(Fixture, "many managed accounts are read back in full, whatever order they were put in") {
  ManagedAccounts want;
  for (int i = 0; i < 300; ++i) {
    const std::string email = "u" + std::to_string((i * 7919) % 300) + "@acme.io";
    ManagedAccount a = Account("ws", email);
    if (i % 3 == 0) a.grants.single = "DEVELOPER";
    if (i % 3 == 1) a.grants.set = {"g" + std::to_string(i), "h\"u\""};
    if (i % 5 == 0) a.grants.scoped = {{"w" + std::to_string(i), "EDITOR"}};
    a.retired = i % 2 == 0;
    a.last_seen = i;
    want[email] = a;
  }
  std::vector<ManagedAccount> all;
  for (const auto& [email, r] : want) all.insert(all.begin(), ManagedAccount{r, "ws", email});  // not in email order
  REQUIRE(store->PutManagedAll(all).ok());
  StatusOr<ManagedAccounts> got = store->Managed("ws");
  REQUIRE(got.ok());
  CHECK(*got == want);
}

TEST_CASE_FIXTURE(Fixture, "a managed row whose grants are not the stored shape fails the read, naming it") {
  REQUIRE(store->PutManaged(Account("ws", "a@acme.io")).ok());
  struct Case {
    const char* grants;
    const char* error;
  };
  const Case cases[] = {
      {R"({"single":7})", "[json.exception.type_error.302] type must be string, but is number"},
      {R"({"set":["a",null]})", "[json.exception.type_error.302] type must be string, but is null"},
      {"[]", "grants are not a JSON object"},
      {R"({"single":"x")",
       "[json.exception.parse_error.101] parse error at line 1, column 14: syntax error while parsing "
       "object - unexpected end of input; expected '}'"},
  };
  for (const Case& c : cases) {
    const std::string grants = c.grants;
    CAPTURE(grants);
    testing::ExecRaw(path, std::string("DELETE FROM managed_accounts WHERE email = 'bad@acme.io'; ") +
                               "INSERT INTO managed_accounts (platform, email, grants) VALUES ('ws', 'bad@acme.io', '" +
                               c.grants + "')");
    StatusOr<ManagedAccounts> got = store->Managed("ws");
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == StatusCode::kInvalidArgument);
    CHECK(got.status().message() == "state DB " + path + ": managed account ws/bad@acme.io: stored grants: " + c.error);
  }
}

TEST_CASE_FIXTURE(Fixture, "putting a managed account again replaces it") {
  ManagedAccount a = Account("astro", "alice@acme.io");
  a.grants.single = "DEVELOPER";
  REQUIRE(store->PutManaged(a).ok());
  a.grants.single = "ADMIN";
  a.retired = true;
  a.last_seen = 9000;
  REQUIRE(store->PutManaged(a).ok());
  StatusOr<ManagedAccounts> got = store->Managed("astro");
  REQUIRE(got.ok());
  CHECK(*got == ManagedAccounts{{"alice@acme.io", a}});
}

TEST_CASE_FIXTURE(Fixture, "forgetting a managed account removes only that platform's row") {
  REQUIRE(store->PutManaged(Account("astro", "alice@acme.io")).ok());
  REQUIRE(store->PutManaged(Account("astro", "bob@acme.io")).ok());
  REQUIRE(store->PutManaged(Account("houston", "alice@acme.io")).ok());
  REQUIRE(store->ForgetManaged("astro", "alice@acme.io").ok());
  REQUIRE(store->ForgetManaged("astro", "ghost@acme.io").ok());  // absent: still fine
  StatusOr<ManagedAccounts> astro = store->Managed("astro");
  REQUIRE(astro.ok());
  CHECK(astro->size() == 1);
  CHECK(astro->count("bob@acme.io") == 1);
  StatusOr<ManagedAccounts> houston = store->Managed("houston");
  REQUIRE(houston.ok());
  CHECK(houston->count("alice@acme.io") == 1);
}

TEST_CASE_FIXTURE(Fixture, "runs are listed newest first with their result") {
  StatusOr<int64_t> first = store->BeginRun("plan", "sha256:1", "", 100);
  StatusOr<int64_t> second = store->BeginRun("apply", "sha256:2", "deadbeef", 200);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(store->FinishRun(*first, "ok", 150).ok());

  StatusOr<std::vector<RunRecord>> runs = store->Runs(10);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK(runs->at(0).id == *second);
  CHECK(runs->at(0).command == "apply");
  CHECK(runs->at(0).git_commit == "deadbeef");
  CHECK(runs->at(0).started_at == 200);
  CHECK(runs->at(0).finished_at == 0);  // still running
  CHECK(runs->at(1).id == *first);
  CHECK(runs->at(1).result == "ok");
  CHECK(runs->at(1).finished_at == 150);

  StatusOr<std::vector<RunRecord>> one = store->Runs(1);
  REQUIRE(one.ok());
  CHECK(one->size() == 1);
  CHECK(store->FinishRun(*second + 100, "ok", 1).code() == StatusCode::kNotFound);
}

TEST_CASE_FIXTURE(Fixture, "platform statuses are replaced per platform and sorted by name") {
  StatusOr<int64_t> run = store->BeginRun("apply", "d", "", 1);
  REQUIRE(run.ok());
  PlatformStatus workspace{"workspace", *run, 10, "ok", 3, 0, 1, 0, 40, 2, 1, ""};
  PlatformStatus astro{"astro", *run, 11, "failed", 0, 2, 0, 0, 5, 0, 0, "timeout"};
  PlatformStatus astro_later{"astro", 0, 20, "blocked", 0, 0, 0, 7, 5, 0, 0, ""};
  REQUIRE(store->PutPlatformStatus(workspace).ok());
  REQUIRE(store->PutPlatformStatus(astro).ok());
  REQUIRE(store->PutPlatformStatus(astro_later).ok());  // run 0: stored without a run

  StatusOr<std::vector<PlatformStatus>> all = store->PlatformStatuses();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).platform == "astro");
  CHECK(all->at(0).result == "blocked");
  CHECK(all->at(0).actions_held == 7);
  CHECK(all->at(0).run_id == 0);
  CHECK(all->at(1).platform == "workspace");
  CHECK(all->at(1).run_id == *run);
  CHECK(all->at(1).actions_succeeded == 3);
  CHECK(all->at(1).actions_deferred == 1);
  CHECK(all->at(1).managed == 40);
  CHECK(all->at(1).unmanaged == 2);
  CHECK(all->at(1).drift == 1);
}

TEST_CASE_FIXTURE(Fixture, "a platform status naming an unknown run is refused") {
  PlatformStatus s{"astro", 424242, 1, "ok", 0, 0, 0, 0, 0, 0, 0, ""};
  Status status = store->PutPlatformStatus(s);
  REQUIRE_FALSE(status.ok());
  std::string lower = status.message();
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(lower.find("foreign key") != std::string::npos);
  CHECK(status.message().find(path) != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "the latest snapshot of a platform replaces the previous one") {
  StatusOr<std::optional<std::string>> missing = store->Snapshot("astro");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  REQUIRE(store->PutSnapshot("astro", R"({"v":1})", "d1", 10).ok());
  REQUIRE(store->PutSnapshot("astro", R"({"complete":true,"users":[]})", "d2", 20).ok());
  REQUIRE(store->PutSnapshot("houston", "{}", "d3", 30).ok());
  StatusOr<std::optional<std::string>> astro = store->Snapshot("astro");
  REQUIRE(astro.ok());
  // The time in front, as when the snapshot was stored whole.
  CHECK(*astro == std::optional<std::string>(R"({"taken_at":20,"complete":true,"users":[]})"));
  StatusOr<std::optional<std::string>> houston = store->Snapshot("houston");
  REQUIRE(houston.ok());
  CHECK(*houston == std::optional<std::string>(R"({"taken_at":30})"));
}

TEST_CASE_FIXTURE(Fixture, "an unchanged snapshot only moves its time; any other is left for a put") {
  const std::string listing = R"({"complete":true,"users":[{"email":"a@acme.io"}]})";
  StatusOr<bool> none = store->TouchSnapshot("astro", "d1", 5);
  REQUIRE(none.ok());
  CHECK_FALSE(*none);  // nothing stored yet: nothing written
  CHECK_FALSE(store->Snapshot("astro")->has_value());
  REQUIRE(store->PutSnapshot("astro", listing, "d1", 10).ok());
  REQUIRE(store->PutSnapshot("houston", "{}", "", 10).ok());  // no digest: matches nothing

  StatusOr<bool> same = store->TouchSnapshot("astro", "d1", 20);
  REQUIRE(same.ok());
  CHECK(*same);
  CHECK(*store->Snapshot("astro") == R"({"taken_at":20,"complete":true,"users":[{"email":"a@acme.io"}]})");
  StatusOr<bool> other = store->TouchSnapshot("astro", "d2", 30);
  REQUIRE(other.ok());
  CHECK_FALSE(*other);
  CHECK(*store->Snapshot("astro") == R"({"taken_at":20,"complete":true,"users":[{"email":"a@acme.io"}]})");
  StatusOr<bool> empty = store->TouchSnapshot("houston", "", 30);
  REQUIRE(empty.ok());
  CHECK_FALSE(*empty);
  CHECK(*store->Snapshot("houston") == R"({"taken_at":10})");
}

TEST_CASE_FIXTURE(Fixture, "a large snapshot is stored and read back whole") {
  std::string listing = R"({"complete":false,"users":[)";
  for (int i = 0; i < 20000; ++i) {
    listing += (i ? "," : "") + std::string(R"({"email":"u)") + std::to_string(i) + R"(@acme.io","id":"x"})";
  }
  listing += "]}";
  REQUIRE(store->PutSnapshot("ws", listing, "big", 7).ok());
  StatusOr<std::optional<std::string>> got = store->Snapshot("ws");
  REQUIRE(got.ok());
  CHECK(**got == R"({"taken_at":7,)" + listing.substr(1));
}

TEST_CASE_FIXTURE(Fixture, "user ids are cached per platform and email") {
  StatusOr<std::optional<std::string>> missing = store->CachedUserId("org", "a@acme.io");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  REQUIRE(store->PutUserId("org", "a@acme.io", "u-1").ok());
  REQUIRE(store->PutUserId("org", "a@acme.io", "u-2").ok());
  REQUIRE(store->PutUserId("other", "a@acme.io", "x-9").ok());
  StatusOr<std::optional<std::string>> got = store->CachedUserId("org", "a@acme.io");
  REQUIRE(got.ok());
  CHECK(*got == std::optional<std::string>("u-2"));
  StatusOr<std::optional<std::string>> other = store->CachedUserId("other", "a@acme.io");
  REQUIRE(other.ok());
  CHECK(*other == std::optional<std::string>("x-9"));
}

TEST_CASE_FIXTURE(Fixture, "hostile strings are stored and read back verbatim") {
  const std::string email = "x'); DROP TABLE journal; --@x.io";
  const std::string platform = "p\" OR 1=1 --";
  ManagedAccount a = Account(platform, email);
  a.grants.set = {"'; DELETE FROM runs; --", "\"quoted\"", "ünïcödé"};
  REQUIRE(store->PutManaged(a).ok());
  REQUIRE(store->PutUserId(platform, email, "id'--").ok());

  StatusOr<ManagedAccounts> got = store->Managed(platform);
  REQUIRE(got.ok());
  CHECK(*got == ManagedAccounts{{email, a}});
  StatusOr<std::optional<std::string>> id = store->CachedUserId(platform, email);
  REQUIRE(id.ok());
  CHECK(*id == std::optional<std::string>("id'--"));
  CHECK(store->History({}).ok());  // the tables are all still there
  CHECK(store->Runs(0).ok());
}

}  // namespace
}  // namespace idsync
