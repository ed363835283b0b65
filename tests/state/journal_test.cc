// The action journal: begin before the request, finish after, pending after a crash.
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "state/codec.h"
#include "state/store.h"
#include "tests/state/backend.h"

namespace idsync {
namespace {

using testing::MustOpen;

struct Fixture : testing::StoreFixture {
  int64_t MustBegin(const Action& a, int64_t now) {
    StatusOr<int64_t> id = store->JournalBegin(run, a, now);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }
};

Action MakeAction(const std::string& platform, const std::string& email, Verb verb) {
  Action a;
  a.platform = platform;
  a.email = email;
  a.verb = verb;
  a.user_id = "u-" + email;
  a.after.single = "DEVELOPER";
  a.reason = "in manifest";
  return a;
}

std::vector<int64_t> Ids(const std::vector<JournalEntry>& entries) {
  std::vector<int64_t> ids;
  for (const JournalEntry& e : entries) ids.push_back(e.id);
  return ids;
}

TEST_CASE("journal statuses have stable names that parse back") {
  const std::vector<std::pair<JournalStatus, std::string>> table = {
      {JournalStatus::kPending, "pending"},     {JournalStatus::kSucceeded, "succeeded"},
      {JournalStatus::kFailed, "failed"},       {JournalStatus::kDeferred, "deferred"},
      {JournalStatus::kHeld, "held"},
  };
  for (const auto& row : table) {
    CAPTURE(row.second);
    CHECK(JournalStatusName(row.first) == row.second);
    CHECK(ParseJournalStatus(row.second) == row.first);
  }
  CHECK_FALSE(ParseJournalStatus("Pending").has_value());
  CHECK_FALSE(ParseJournalStatus("").has_value());
}

TEST_CASE_FIXTURE(Fixture, "a begun entry is pending, attempted once and already committed") {
  const Action invite = MakeAction("astro", "alice@acme.io", Verb::kInvite);
  const int64_t id = MustBegin(invite, 500);

  // Another connection sees it at once: it is committed, not in an open transaction.
  auto other = MustOpen(location);
  StatusOr<std::vector<JournalEntry>> seen = other->PendingEntries("astro");
  REQUIRE(seen.ok());
  REQUIRE(seen->size() == 1);
  CHECK(seen->front().id == id);
  CHECK(seen->front().attempts == 1);
  CHECK(seen->front().action == "invite");
  CHECK(seen->front().email == "alice@acme.io");

  StatusOr<std::vector<JournalEntry>> pending = store->PendingEntries("astro");
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1);
  const JournalEntry& e = pending->front();
  CHECK(e.id == id);
  CHECK(e.run_id == run);
  CHECK(e.status == JournalStatus::kPending);
  CHECK(e.created_at == 500);
  CHECK(e.updated_at == 500);
  StatusOr<Action> decoded = DecodeActionPayload(e.platform, e.email, e.payload);
  REQUIRE(decoded.ok());
  CHECK(*decoded == invite);
}

TEST_CASE_FIXTURE(Fixture, "finishing an entry records its status, error and time") {
  const int64_t ok_id = MustBegin(MakeAction("astro", "a@acme.io", Verb::kInvite), 10);
  const int64_t bad_id = MustBegin(MakeAction("astro", "b@acme.io", Verb::kGrant), 11);
  REQUIRE(store->JournalFinish(ok_id, JournalStatus::kSucceeded, "", 1, 20).ok());
  REQUIRE(store->JournalFinish(bad_id, JournalStatus::kFailed, "403 forbidden", 3, 21).ok());

  std::vector<JournalEntry> history = MustHistory({});
  REQUIRE(history.size() == 2);
  CHECK(history[0].id == bad_id);
  CHECK(history[0].status == JournalStatus::kFailed);
  CHECK(history[0].error == "403 forbidden");
  CHECK(history[0].updated_at == 21);
  CHECK(history[0].attempts == 3);  // HTTP sends, retries included
  CHECK(history[0].created_at == 11);
  CHECK(history[1].status == JournalStatus::kSucceeded);
  CHECK(history[1].error.empty());

  StatusOr<std::vector<JournalEntry>> pending = store->PendingEntries("");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
  CHECK(store->JournalFinish(bad_id + 1000, JournalStatus::kSucceeded, "", 1, 1).code() ==
        StatusCode::kNotFound);
}

TEST_CASE_FIXTURE(Fixture, "finishing an entry records how many sends it took") {
  const int64_t id = MustBegin(MakeAction("astro", "a@acme.io", Verb::kInvite), 10);
  REQUIRE(store->JournalFinish(id, JournalStatus::kSucceeded, "", 3, 20).ok());
  std::vector<JournalEntry> history = MustHistory({});
  REQUIRE(history.size() == 1);
  CHECK(history[0].attempts == 3);
}

TEST_CASE_FIXTURE(Fixture, "pending entries are filtered by platform, oldest first") {
  const int64_t a1 = MustBegin(MakeAction("astro", "a@acme.io", Verb::kInvite), 1);
  const int64_t h1 = MustBegin(MakeAction("houston", "a@acme.io", Verb::kInvite), 2);
  const int64_t a2 = MustBegin(MakeAction("astro", "b@acme.io", Verb::kRemove), 3);
  const int64_t done = MustBegin(MakeAction("astro", "c@acme.io", Verb::kGrant), 4);
  REQUIRE(store->JournalFinish(done, JournalStatus::kSucceeded, "", 1, 5).ok());

  StatusOr<std::vector<JournalEntry>> astro = store->PendingEntries("astro");
  REQUIRE(astro.ok());
  CHECK(Ids(*astro) == std::vector<int64_t>{a1, a2});
  StatusOr<std::vector<JournalEntry>> all = store->PendingEntries("");
  REQUIRE(all.ok());
  CHECK(Ids(*all) == std::vector<int64_t>{a1, h1, a2});
  StatusOr<std::vector<JournalEntry>> none = store->PendingEntries("scim");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE_FIXTURE(Fixture, "pending entries survive closing and reopening the database") {
  const int64_t id = MustBegin(MakeAction("astro", "a@acme.io", Verb::kInvite), 1);
  store.reset();  // the process "dies" between request and finish
  store = MustOpen(location);
  StatusOr<std::vector<JournalEntry>> pending = store->PendingEntries("astro");
  REQUIRE(pending.ok());
  CHECK(Ids(*pending) == std::vector<int64_t>{id});
}

TEST_CASE_FIXTURE(Fixture, "deferred and held actions are recorded without an attempt") {
  Action deferred = MakeAction("houston", "a@acme.io", Verb::kGrant);
  deferred.disposition = Disposition::kDeferred;
  Action held = MakeAction("houston", "b@acme.io", Verb::kRemove);
  held.disposition = Disposition::kHeld;
  REQUIRE(store->JournalRecord(run, deferred, JournalStatus::kDeferred, 7).ok());
  REQUIRE(store->JournalRecord(run, held, JournalStatus::kHeld, 8).ok());

  std::vector<JournalEntry> history = MustHistory({});
  REQUIRE(history.size() == 2);
  CHECK(history[0].status == JournalStatus::kHeld);
  CHECK(history[0].action == "remove");
  CHECK(history[0].attempts == 0);
  CHECK(history[1].status == JournalStatus::kDeferred);
  CHECK(history[1].action == "grant");
  StatusOr<Action> decoded = DecodeActionPayload("houston", "b@acme.io", history[0].payload);
  REQUIRE(decoded.ok());
  CHECK(decoded->disposition == Disposition::kHeld);

  StatusOr<std::vector<JournalEntry>> pending = store->PendingEntries("");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
}

TEST_CASE_FIXTURE(Fixture, "a deferred action recorded again refreshes its row instead of adding one") {
  Action deferred = MakeAction("houston", "a@acme.io", Verb::kGrant);
  deferred.disposition = Disposition::kDeferred;
  REQUIRE(store->JournalRecord(run, deferred, JournalStatus::kDeferred, 7).ok());
  REQUIRE(store->JournalRecord(run, deferred, JournalStatus::kDeferred, 9).ok());
  std::vector<JournalEntry> history = MustHistory({});
  REQUIRE(history.size() == 1);
  CHECK(history[0].created_at == 7);
  CHECK(history[0].updated_at == 9);

  // Another status, another action, or a row in between: a new row each.
  REQUIRE(store->JournalRecord(run, deferred, JournalStatus::kHeld, 10).ok());
  CHECK(MustHistory({}).size() == 2);
  MustBegin(MakeAction("houston", "a@acme.io", Verb::kInvite), 11);
  REQUIRE(store->JournalRecord(run, deferred, JournalStatus::kHeld, 12).ok());
  CHECK(MustHistory({}).size() == 4);
  Action other = MakeAction("houston", "b@acme.io", Verb::kGrant);
  other.disposition = Disposition::kDeferred;
  REQUIRE(store->JournalRecord(run, other, JournalStatus::kDeferred, 13).ok());
  CHECK(MustHistory({}).size() == 5);
}

TEST_CASE_FIXTURE(Fixture, "journal begins from many threads at once are all committed, ids distinct") {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto id = store->JournalBegin(
            run, MakeAction("ws", "u" + std::to_string(t) + "-" + std::to_string(i) + "@x.io", Verb::kInvite), 1);
        if (id.ok()) ids[t].push_back(*id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> distinct;
  for (const auto& v : ids) distinct.insert(v.begin(), v.end());
  CHECK(distinct.size() == kThreads * kEach);
  store.reset();  // closed and reopened: every row is there
  store = MustOpen(location);
  StatusOr<std::vector<JournalEntry>> pending = store->PendingEntries("ws");
  REQUIRE(pending.ok());
  CHECK(pending->size() == kThreads * kEach);
}

TEST_CASE_FIXTURE(Fixture, "recording a pending action without a request is refused") {
  Status s = store->JournalRecord(run, MakeAction("astro", "a@acme.io", Verb::kInvite),
                                  JournalStatus::kPending, 1);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(MustHistory({}).empty());
}

TEST_CASE_FIXTURE(Fixture, "history filters by user and platform, newest first, limited") {
  const int64_t e1 = MustBegin(MakeAction("astro", "alice@acme.io", Verb::kInvite), 1);
  const int64_t e2 = MustBegin(MakeAction("houston", "alice@acme.io", Verb::kInvite), 2);
  const int64_t e3 = MustBegin(MakeAction("astro", "bob@acme.io", Verb::kInvite), 3);
  const int64_t e4 = MustBegin(MakeAction("astro", "alice@acme.io", Verb::kGrant), 4);

  struct Case {
    const char* name;
    HistoryQuery query;
    std::vector<int64_t> want;
  };
  const std::vector<Case> cases = {
      {"everything", {}, {e4, e3, e2, e1}},
      {"one user", {"alice@acme.io", std::nullopt, 50}, {e4, e2, e1}},
      {"one platform", {std::nullopt, "astro", 50}, {e4, e3, e1}},
      {"user on platform", {"alice@acme.io", "astro", 50}, {e4, e1}},
      {"limited", {std::nullopt, std::nullopt, 2}, {e4, e3}},
      {"no limit", {std::nullopt, std::nullopt, 0}, {e4, e3, e2, e1}},
      {"unknown user", {"nobody@acme.io", std::nullopt, 50}, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(Ids(MustHistory(c.query)) == c.want);
  }
}

TEST_CASE_FIXTURE(Fixture, "a journal entry without a run is stored with run id 0") {
  StatusOr<int64_t> id = store->JournalBegin(0, MakeAction("astro", "a@acme.io", Verb::kAdopt), 1);
  REQUIRE(id.ok());
  std::vector<JournalEntry> history = MustHistory({});
  REQUIRE(history.size() == 1);
  CHECK(history[0].run_id == 0);
  CHECK(history[0].action == "adopt");
}

TEST_CASE_FIXTURE(Fixture, "a hostile email in the journal is stored verbatim") {
  const std::string email = "x'); DROP TABLE journal; --@x.io";
  const int64_t id = MustBegin(MakeAction("astro", email, Verb::kInvite), 1);
  std::vector<JournalEntry> history = MustHistory({email, std::nullopt, 50});
  REQUIRE(history.size() == 1);
  CHECK(history[0].id == id);
  CHECK(history[0].email == email);
  StatusOr<Action> decoded = DecodeActionPayload("astro", email, history[0].payload);
  REQUIRE(decoded.ok());
  CHECK(decoded->user_id == "u-" + email);
}

void WriteMany(Store& store, int64_t run, int thread, int count, std::vector<Status>& errors,
               std::mutex& mu) {
  for (int i = 0; i < count; ++i) {
    Action a = MakeAction("p" + std::to_string(thread), "u" + std::to_string(i) + "@acme.io",
                          Verb::kInvite);
    StatusOr<int64_t> id = store.JournalBegin(run, a, i);
    Status s = id.ok() ? store.JournalFinish(*id, JournalStatus::kSucceeded, "", 1, i)
                       : id.status();
    if (s.ok()) s = store.PutUserId(a.platform, a.email, "id");
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      errors.push_back(s);
    }
  }
}

TEST_CASE_FIXTURE(Fixture, "four threads writing through one store all succeed") {
  constexpr int kThreads = 4, kEach = 10;
  std::vector<Status> errors;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { WriteMany(*store, run, t, kEach, errors, mu); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : errors) FAIL_CHECK(s.ToString());
  CHECK(MustHistory({std::nullopt, std::nullopt, 0}).size() == kThreads * kEach);
}

TEST_CASE_FIXTURE(Fixture, "four threads each with its own connection all succeed") {
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) stores.push_back(MustOpen(location));
  std::vector<Status> errors;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { WriteMany(*stores[t], run, t, kEach, errors, mu); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : errors) FAIL_CHECK(s.ToString());
  CHECK(MustHistory({std::nullopt, std::nullopt, 0}).size() == kThreads * kEach);
}

}  // namespace
}  // namespace idsync
