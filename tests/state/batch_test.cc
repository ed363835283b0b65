// The calls that write many rows in one transaction (issue 17: no per-user statement
// outside one transaction): JournalRecordAll, PutManagedAll, ForgetManagedAll.
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
// Sizes above 2,000 cross the PostgreSQL backend's statement chunks.
#include <deque>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "state/codec.h"
#include "state/store.h"
#include "tests/state/backend.h"

namespace idsync {
namespace {

using testing::MustOpen;

struct Fixture : testing::StoreFixture {
  // A deferred grant (or held remove) of `email` on houston, kept alive in `actions`.
  ActionRecord Record(const std::string& email, JournalStatus status, const std::string& reason = "later") {
    Action& a = actions.emplace_back();
    a.platform = "houston";
    a.email = email;
    a.verb = status == JournalStatus::kHeld ? Verb::kRemove : Verb::kGrant;
    a.after.single = "DEVELOPER";
    a.reason = reason;
    a.disposition = status == JournalStatus::kHeld ? Disposition::kHeld : Disposition::kDeferred;
    return {&a, status};
  }
  void MustRecord(int64_t run_id, const std::vector<ActionRecord>& records, int64_t now) {
    Status s = store->JournalRecordAll(run_id, records, now);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
};

ManagedAccount Account(const std::string& platform, const std::string& email, const std::string& id) {
  ManagedAccount a;
  a.platform = platform;
  a.email = email;
  a.user_id = id;
  a.grants.single = "DEVELOPER";
  a.first_managed = 10;
  a.last_seen = 20;
  return a;
}

TEST_CASE_FIXTURE(Fixture, "deferred and held actions are recorded by one call, in order, without an attempt") {
  MustRecord(run, {Record("a@acme.io", JournalStatus::kDeferred), Record("b@acme.io", JournalStatus::kHeld),
                   Record("c@acme.io", JournalStatus::kDeferred)},
             7);
  auto other = MustOpen(location);  // committed
  const std::vector<JournalEntry> rows = MustHistory(*other);
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].email == "a@acme.io");
  CHECK(rows[1].email == "b@acme.io");
  CHECK(rows[1].status == JournalStatus::kHeld);
  CHECK(rows[1].action == "remove");
  CHECK(rows[0].email == "c@acme.io");
  CHECK(rows[0].status == JournalStatus::kDeferred);
  for (const JournalEntry& e : rows) {
    CHECK(e.run_id == run);
    CHECK(e.attempts == 0);
    CHECK(e.created_at == 7);
    StatusOr<Action> decoded = DecodeActionPayload(e.platform, e.email, e.payload);
    REQUIRE(decoded.ok());
    CHECK(decoded->reason == "later");
  }
  StatusOr<std::vector<JournalEntry>> pending = other->PendingEntries("");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
}

TEST_CASE_FIXTURE(Fixture, "recorded again, each unchanged action refreshes its own row; a changed one adds a row") {
  MustRecord(run, {Record("a@acme.io", JournalStatus::kDeferred), Record("b@acme.io", JournalStatus::kHeld)}, 7);
  const int64_t next = MustBeginRun(8);
  MustRecord(next, {Record("a@acme.io", JournalStatus::kDeferred), Record("b@acme.io", JournalStatus::kHeld, "other")},
             9);
  const std::vector<JournalEntry> rows = MustHistory();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].email == "b@acme.io");  // changed reason: a new row
  CHECK(rows[0].created_at == 9);
  CHECK(rows[1].email == "b@acme.io");
  CHECK(rows[1].updated_at == 7);  // the old one is left as it was
  CHECK(rows[2].email == "a@acme.io");  // refreshed
  CHECK(rows[2].run_id == next);
  CHECK(rows[2].created_at == 7);
  CHECK(rows[2].updated_at == 9);
}

TEST_CASE_FIXTURE(Fixture, "a user's later record in one call is compared with the record before it, as one call each would") {
  // The same action twice: one row. Two different ones: each is new against the other,
  // so recording the pair again adds both again (as two JournalRecord calls would).
  MustRecord(run, {Record("a@acme.io", JournalStatus::kDeferred), Record("a@acme.io", JournalStatus::kDeferred)}, 7);
  CHECK(MustHistory().size() == 1);
  const std::vector<ActionRecord> pair = {Record("b@acme.io", JournalStatus::kDeferred),
                                          Record("b@acme.io", JournalStatus::kHeld)};
  MustRecord(run, pair, 8);
  CHECK(MustHistory().size() == 3);
  MustRecord(run, pair, 9);
  const std::vector<JournalEntry> rows = MustHistory();
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].status == JournalStatus::kHeld);
  CHECK(rows[1].status == JournalStatus::kDeferred);
  CHECK(rows[1].created_at == 9);
}

TEST_CASE_FIXTURE(Fixture, "one pending record or one without its action writes nothing") {
  Status pending = store->JournalRecordAll(run, {Record("a@acme.io", JournalStatus::kDeferred),
                                                 Record("b@acme.io", JournalStatus::kPending)}, 7);
  CHECK(pending.code() == StatusCode::kInvalidArgument);
  CHECK(pending.message().find("b@acme.io") != std::string::npos);
  CHECK(pending.message().find("cannot be pending") != std::string::npos);
  Status missing = store->JournalRecordAll(run, {Record("a@acme.io", JournalStatus::kDeferred), ActionRecord{}}, 7);
  CHECK(missing.code() == StatusCode::kInvalidArgument);
  CHECK(store->JournalRecordAll(run, {}, 7).ok());
  CHECK(MustHistory().empty());
}

TEST_CASE_FIXTURE(Fixture, "three thousand deferred actions are recorded by one call, and refreshed by the next") {
  std::vector<ActionRecord> records;
  for (int i = 0; i < 3000; ++i) records.push_back(Record("u" + std::to_string(i) + "@acme.io", JournalStatus::kDeferred));
  MustRecord(0, records, 7);  // run 0: no run
  std::vector<JournalEntry> rows = MustHistory();
  REQUIRE(rows.size() == 3000);
  CHECK(rows.front().email == "u2999@acme.io");
  CHECK(rows.back().email == "u0@acme.io");
  CHECK(rows.front().run_id == 0);
  MustRecord(run, records, 8);
  rows = MustHistory();
  REQUIRE(rows.size() == 3000);
  for (const JournalEntry& e : rows) {
    CHECK(e.updated_at == 8);
    CHECK(e.run_id == run);
  }
}

TEST_CASE_FIXTURE(Fixture, "many managed accounts are put by one call; a later one for the same account wins") {
  std::vector<ManagedAccount> accounts;
  for (int i = 0; i < 2500; ++i) accounts.push_back(Account("ws", "u" + std::to_string(i) + "@acme.io", "old"));
  accounts.push_back(Account("other", "u1@acme.io", "elsewhere"));
  accounts.push_back(Account("ws", "u1@acme.io", "new"));
  accounts.back().retired = true;
  REQUIRE(store->PutManaged(Account("ws", "u7@acme.io", "before")).ok());
  Status s = store->PutManagedAll(accounts);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  StatusOr<ManagedAccounts> ws = store->Managed("ws");
  REQUIRE(ws.ok());
  CHECK(ws->size() == 2500);
  CHECK(ws->at("u1@acme.io") == accounts.back());
  CHECK(ws->at("u7@acme.io").user_id == "old");
  CHECK(ws->at("u2499@acme.io") == accounts[2499]);
  StatusOr<ManagedAccounts> other = store->Managed("other");
  REQUIRE(other.ok());
  CHECK(other->at("u1@acme.io").user_id == "elsewhere");
  CHECK(store->PutManagedAll({}).ok());
}

TEST_CASE_FIXTURE(Fixture, "many managed accounts are forgotten by one call, on that platform only") {
  std::vector<ManagedAccount> accounts;
  std::vector<std::string> gone;
  for (int i = 0; i < 2500; ++i) {
    const std::string email = "u" + std::to_string(i) + "@acme.io";
    accounts.push_back(Account("ws", email, "id"));
    if (i % 2 == 0) gone.push_back(email);
  }
  accounts.push_back(Account("other", "u0@acme.io", "id"));
  REQUIRE(store->PutManagedAll(accounts).ok());
  gone.push_back("ghost@acme.io");  // not managed: fine
  Status s = store->ForgetManagedAll("ws", gone);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  StatusOr<ManagedAccounts> ws = store->Managed("ws");
  REQUIRE(ws.ok());
  CHECK(ws->size() == 1250);
  CHECK(ws->count("u0@acme.io") == 0);
  CHECK(ws->count("u1@acme.io") == 1);
  StatusOr<ManagedAccounts> other = store->Managed("other");
  REQUIRE(other.ok());
  CHECK(other->count("u0@acme.io") == 1);
  CHECK(store->ForgetManagedAll("ws", {}).ok());
}

TEST_CASE_FIXTURE(Fixture, "hostile emails in a batch are stored and forgotten verbatim") {
  const std::string hostile = "x'); DROP TABLE journal; --\"\\\u00e9@acme.io";
  MustRecord(run, {Record(hostile, JournalStatus::kDeferred)}, 7);
  CHECK(MustHistory().front().email == hostile);
  REQUIRE(store->PutManagedAll({Account("ws", hostile, "id")}).ok());
  StatusOr<ManagedAccounts> ws = store->Managed("ws");
  REQUIRE(ws.ok());
  CHECK(ws->count(hostile) == 1);
  REQUIRE(store->ForgetManagedAll("ws", {hostile}).ok());
  ws = store->Managed("ws");
  REQUIRE(ws.ok());
  CHECK(ws->empty());
}

}  // namespace
}  // namespace idsync
