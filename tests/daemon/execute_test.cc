// ExecutePlan: independent users at once, each user's actions in plan order, removals
// last. A recording fake Connector (an injected interface) and the real SQLite store.
#include "daemon/apply/execute.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "state/sqlite_store.h"
#include "tests/support/fake_env.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

// Records every call (who, what, on which thread) and how many ran at once. Each call
// waits (at most `wait`) until `target` calls are in flight, so a test sees the
// concurrency it asked for without depending on timing; a sequential executor makes
// every call time out and the test fail.
class Recorder final : public Connector {
 public:
  struct Call {
    std::string email, verb;
    std::thread::id thread;
    int start = 0, end = 0;  // event numbers
  };

  PlatformType type() const override { return PlatformType::kScim; }
  StatusOr<LiveState> List(const ListContext&) override { return LiveState{}; }
  Status Invite(const Action& a) override { return Record(a); }
  Status ChangeGrants(const Action& a) override { return Record(a); }
  Status Retire(const Action& a) override { return Record(a); }
  Status Reactivate(const Action& a) override { return Record(a); }
  Status Remove(const Action& a) override { return Record(a); }
  Status Update(const Action& a) override { return Record(a); }

  int target = 1;
  std::chrono::milliseconds wait{1500};
  std::string fail_email;
  std::vector<Call> calls;  // read after ExecutePlan returned
  int max_in_flight = 0;

 private:
  Status Record(const Action& a) {
    std::unique_lock lock(mu_);
    Call call{a.email, VerbName(a.verb), std::this_thread::get_id(), ++events_, 0};
    max_in_flight = std::max(max_in_flight, ++in_flight_);
    cv_.notify_all();
    cv_.wait_for(lock, wait, [&] { return in_flight_ >= target || released_; });
    released_ = released_ || in_flight_ >= target;  // once reached, nobody waits again
    --in_flight_;
    call.end = ++events_;
    calls.push_back(call);
    if (a.email == fail_email) return FailedPrecondition("refused by the platform");
    return OkStatus();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0, events_ = 0;
  bool released_ = false;
};

Action Make(const std::string& email, Verb verb) {
  Action a;
  a.platform = "app";
  a.email = email;
  a.verb = verb;
  a.disposition = Disposition::kApply;
  return a;
}

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  int64_t run = 0;
  Recorder connector;
  std::unique_ptr<Env> system = SystemEnv();
  Fixture() {
    auto s = Store::Open((dir.fs_path() / "state.db").string());
    REQUIRE(s.ok());
    store = std::move(*s);
    auto r = store->BeginRun("apply", "d", "", 1);
    REQUIRE(r.ok());
    run = *r;
  }
  PlatformOutcome Execute(std::vector<Action> actions, int concurrency, const ManagedAccounts& managed = {}) {
    PlatformOutcome out;
    out.plan.platform = "app";
    out.plan.actions = std::move(actions);
    ReconcileOptions options;
    options.apply = true;
    options.run_id = run;
    testing::FakeEnv env(*system);
    env.SetWallUnix(100);
    ExecutePlan(out, connector, *store, managed, concurrency, options, env);
    return out;
  }
  // Every later sync of the state's write-ahead log fails (EIO).
  void FailWalSync() {
    auto* sqlite = dynamic_cast<SqliteStore*>(store.get());
    REQUIRE(sqlite != nullptr);
    sqlite->SetWalSyncForTesting([](int) {
      errno = EIO;
      return -1;
    });
  }
  const Recorder::Call& CallOf(const std::string& email, const std::string& verb) {
    auto it = std::find_if(connector.calls.begin(), connector.calls.end(),
                           [&](const auto& c) { return c.email == email && c.verb == verb; });
    REQUIRE(it != connector.calls.end());
    return *it;
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "different users run at once, up to the platform's concurrency") {
  std::vector<Action> actions;
  for (int i = 0; i < 8; ++i) actions.push_back(Make("u" + std::to_string(i) + "@x.io", Verb::kInvite));
  connector.target = 4;
  PlatformOutcome out = Execute(actions, 4);
  CHECK(out.succeeded == 8);
  CHECK(connector.max_in_flight == 4);
}

TEST_CASE_FIXTURE(Fixture, "one user's actions run in plan order, never at the same time") {
  std::vector<Action> actions;
  for (int i = 0; i < 4; ++i) actions.push_back(Make("u" + std::to_string(i) + "@x.io", Verb::kInvite));
  for (int i = 0; i < 4; ++i) actions.push_back(Make("u" + std::to_string(i) + "@x.io", Verb::kGrant));
  connector.target = 4;
  PlatformOutcome out = Execute(actions, 4);
  CHECK(out.succeeded == 8);
  for (int i = 0; i < 4; ++i) {
    const std::string email = "u" + std::to_string(i) + "@x.io";
    CAPTURE(email);
    CHECK(CallOf(email, "invite").end < CallOf(email, "grant").start);
  }
}

TEST_CASE_FIXTURE(Fixture, "removals start only after every other action has finished") {
  std::vector<Action> actions = {Make("gone1@x.io", Verb::kRemove), Make("a@x.io", Verb::kInvite),
                                 Make("gone2@x.io", Verb::kRemove), Make("b@x.io", Verb::kInvite),
                                 Make("a@x.io", Verb::kGrant)};
  connector.target = 2;
  PlatformOutcome out = Execute(actions, 4);
  CHECK(out.succeeded == 5);
  int last_other_end = 0, first_remove_start = 1 << 30;
  for (const auto& c : connector.calls) {
    if (c.verb == "remove") first_remove_start = std::min(first_remove_start, c.start);
    else last_other_end = std::max(last_other_end, c.end);
  }
  CHECK(last_other_end < first_remove_start);
}

TEST_CASE_FIXTURE(Fixture, "every offboarding, retire as well as remove, starts after every other action") {
  std::vector<Action> actions = {Make("gone1@x.io", Verb::kRetire), Make("a@x.io", Verb::kInvite),
                                 Make("gone2@x.io", Verb::kRemove), Make("sus@x.io", Verb::kRetire),
                                 Make("b@x.io", Verb::kGrant), Make("a@x.io", Verb::kGrant)};
  connector.target = 2;
  PlatformOutcome out = Execute(actions, 4);
  CHECK(out.succeeded == 6);
  int last_other_end = 0, first_offboarding_start = 1 << 30;
  for (const auto& c : connector.calls) {
    if (c.verb == "remove" || c.verb == "retire") first_offboarding_start = std::min(first_offboarding_start, c.start);
    else last_other_end = std::max(last_other_end, c.end);
  }
  CHECK(last_other_end < first_offboarding_start);
}

TEST_CASE_FIXTURE(Fixture, "with concurrency 1 a retire listed first still runs after the invite") {
  connector.wait = std::chrono::milliseconds(0);
  PlatformOutcome out = Execute({Make("gone@x.io", Verb::kRetire), Make("new@x.io", Verb::kInvite)}, 1);
  CHECK(out.succeeded == 2);
  REQUIRE(connector.calls.size() == 2);
  CHECK(connector.calls[0].verb == "invite");
  CHECK(connector.calls[1].verb == "retire");
}

TEST_CASE_FIXTURE(Fixture, "a journal row that cannot be synced to disk stops its request") {
  FailWalSync();
  connector.wait = std::chrono::milliseconds(0);
  PlatformOutcome out = Execute({Make("a@x.io", Verb::kInvite)}, 1);
  CHECK(connector.calls.empty());  // never sent
  REQUIRE(out.failures.size() == 1);
  CHECK(out.failures[0].error.message().find("state.db") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a failure skips the rest of that user only; the others stand") {
  connector.fail_email = "bad@x.io";
  connector.wait = std::chrono::milliseconds(0);
  std::vector<Action> actions = {Make("bad@x.io", Verb::kInvite), Make("ok@x.io", Verb::kInvite),
                                 Make("bad@x.io", Verb::kGrant), Make("ok@x.io", Verb::kGrant)};
  PlatformOutcome out = Execute(actions, 4);
  CHECK(out.succeeded == 2);
  REQUIRE(out.failures.size() == 2);
  for (const auto& f : out.failures) CHECK(f.action.email == "bad@x.io");
  CHECK(connector.calls.size() == 3);  // bad's grant was never sent
  auto managed = store->Managed("app");
  REQUIRE(managed.ok());
  CHECK(managed->count("ok@x.io") == 1);
  CHECK(managed->count("bad@x.io") == 0);
  auto pending = store->PendingEntries("app");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
}

TEST_CASE_FIXTURE(Fixture, "with concurrency 1 every action runs on the calling thread") {
  connector.wait = std::chrono::milliseconds(0);
  std::vector<Action> actions = {Make("a@x.io", Verb::kInvite), Make("b@x.io", Verb::kInvite),
                                 Make("c@x.io", Verb::kRemove)};
  PlatformOutcome out = Execute(actions, 1);
  CHECK(out.succeeded == 3);
  CHECK(connector.max_in_flight == 1);
  for (const auto& c : connector.calls) CHECK(c.thread == std::this_thread::get_id());
}

TEST_CASE_FIXTURE(Fixture, "adopts send nothing: recorded as succeeded before the user's grant runs") {
  connector.wait = std::chrono::milliseconds(0);
  Action adopt_a = Make("a@x.io", Verb::kAdopt), adopt_b = Make("b@x.io", Verb::kAdopt);
  adopt_a.before.single = adopt_a.after.single = "DEVELOPER";
  adopt_b.before.single = adopt_b.after.single = "ADMIN";
  Action grant_a = Make("a@x.io", Verb::kGrant);
  grant_a.before.single = "DEVELOPER";
  grant_a.after.single = "ADMIN";
  PlatformOutcome out = Execute({adopt_a, adopt_b, grant_a}, 2);
  CHECK(out.succeeded == 3);
  CHECK(out.succeeded_by_verb["adopt"] == 2);
  REQUIRE(connector.calls.size() == 1);  // only the grant reached the platform
  CHECK(connector.calls[0].verb == "grant");
  HistoryQuery all;
  all.limit = 0;
  auto rows = store->History(all);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);
  for (const auto& e : *rows) {
    CAPTURE(e.action);
    CAPTURE(e.email);
    CHECK(e.status == JournalStatus::kSucceeded);
    if (e.action == "adopt") CHECK(e.attempts == 0);  // no request, no send
  }
  CHECK(rows->back().action == "adopt");  // oldest: the adopts came first
  auto managed = store->Managed("app");
  REQUIRE(managed.ok());
  CHECK(managed->at("a@x.io").grants.single == "ADMIN");  // the grant ran on the adopted record
  CHECK(managed->at("a@x.io").first_managed == 100);
  CHECK(managed->at("b@x.io").grants.single == "ADMIN");
}

TEST_CASE_FIXTURE(Fixture, "each record starts from the account as recorded before, or as changed since") {
  connector.wait = std::chrono::milliseconds(0);
  ManagedAccount before;
  before.platform = "app";
  before.email = "a@x.io";
  before.user_id = "u-a";
  before.grants.single = "DEVELOPER";
  before.first_managed = 7;
  const ManagedAccounts managed{{"a@x.io", before}};
  Action grant = Make("a@x.io", Verb::kGrant), update = Make("a@x.io", Verb::kUpdate);
  grant.after.single = "ADMIN";
  Action invite = Make("b@x.io", Verb::kInvite);
  invite.after.single = "DEVELOPER";
  PlatformOutcome out = Execute({grant, update, invite}, 2, managed);
  CHECK(out.succeeded == 3);
  CHECK(managed.at("a@x.io") == before);  // the caller's records are read, never written
  auto now = store->Managed("app");
  REQUIRE(now.ok());
  const ManagedRecord& a = now->at("a@x.io");
  CHECK(a.user_id == "u-a");      // kept from the record before
  CHECK(a.first_managed == 7);
  CHECK(a.grants.single == "ADMIN");  // the update started from the grant's record
  CHECK(a.last_asserted == 100);
  CHECK(now->at("b@x.io").first_managed == 100);  // a new record
}

TEST_CASE_FIXTURE(Fixture, "adopts that cannot be recorded fail, and their users' later actions are skipped") {
  FailWalSync();
  connector.wait = std::chrono::milliseconds(0);
  PlatformOutcome out = Execute({Make("a@x.io", Verb::kAdopt), Make("a@x.io", Verb::kGrant)}, 1);
  CHECK(connector.calls.empty());  // the grant was never sent
  CHECK(out.succeeded == 0);
  REQUIRE(out.failures.size() == 2);
  CHECK(out.failures[0].action.verb == Verb::kAdopt);
  CHECK(out.failures[0].error.message().find("state.db") != std::string::npos);
  CHECK(out.failures[1].error.message().find("skipped") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "deferred and held actions are journalled without a request, once per action across runs") {
  connector.wait = std::chrono::milliseconds(0);
  Action deferred = Make("a@x.io", Verb::kGrant), held = Make("b@x.io", Verb::kRemove);
  deferred.disposition = Disposition::kDeferred;
  held.disposition = Disposition::kHeld;
  const std::vector<Action> plan = {deferred, held, Make("c@x.io", Verb::kInvite)};
  for (int i = 0; i < 2; ++i) {  // the next reconcile refreshes the rows, adds none
    CAPTURE(i);
    PlatformOutcome out = Execute(plan, 2);
    CHECK(out.deferred == 1);
    CHECK(out.held == 1);
    CHECK(out.succeeded == 1);
  }
  REQUIRE(connector.calls.size() == 2);  // only the invites reached the platform
  HistoryQuery all;
  all.limit = 0;
  auto rows = store->History(all);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 4);  // two invites, one deferred and one held row
  int deferred_rows = 0, held_rows = 0;
  for (const auto& e : *rows) {
    CAPTURE(e.email);
    if (e.status == JournalStatus::kDeferred) {
      ++deferred_rows;
      CHECK(e.email == "a@x.io");
    }
    if (e.status == JournalStatus::kHeld) {
      ++held_rows;
      CHECK(e.email == "b@x.io");
    }
    if (e.status != JournalStatus::kSucceeded) CHECK(e.attempts == 0);
  }
  CHECK(deferred_rows == 1);
  CHECK(held_rows == 1);
}

TEST_CASE_FIXTURE(Fixture, "a cancelled apply records no adopt") {
  std::atomic<bool> cancel{true};
  PlatformOutcome out;
  out.plan.platform = "app";
  out.plan.actions = {Make("a@x.io", Verb::kAdopt), Make("b@x.io", Verb::kAdopt)};
  ReconcileOptions options;
  options.apply = true;
  options.run_id = run;
  options.cancel = &cancel;
  testing::FakeEnv env(*system);
  ExecutePlan(out, connector, *store, {}, 1, options, env);
  CHECK(out.cancelled == 2);
  CHECK(out.succeeded == 0);
  auto managed = store->Managed("app");
  REQUIRE(managed.ok());
  CHECK(managed->empty());
}

}  // namespace idsync
