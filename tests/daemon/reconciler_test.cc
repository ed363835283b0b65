// The reconciler with a fake Connector (an injected interface) and the real SQLite
// store in a temporary directory.
#include "daemon/apply/reconciler.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <random>

#include "config/loader.h"
#include "daemon/apply/snapshot.h"
#include "reconcile/grants_json_value.h"
#include "state/store.h"
#include "tests/support/counting_store.h"
#include "tests/support/fake_env.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;

struct TempState {
  fs::path dir;
  std::unique_ptr<Store> store;
  TempState() {
    dir = fs::temp_directory_path() / ("idsync-rt-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    auto s = Store::Open((dir / "state.db").string());
    REQUIRE(s.ok());
    store = std::move(*s);
  }
  ~TempState() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

LiveUser Pending(const Grants& grants) {
  LiveUser u;
  u.status = LiveStatus::kPending;
  u.raw_status = "SENT";
  u.grants = grants;
  return u;
}

// A workspace-like platform in memory. Before answering each mutating call it checks
// that the journal already holds a pending row for the action (journal first).
// Thread-safe: the reconciler runs different users' actions concurrently.
class FakeWorkspace final : public Connector {
 public:
  explicit FakeWorkspace(Store* store) : store_(store) {}
  PlatformType type() const override { return PlatformType::kWorkspace; }
  StatusOr<LiveState> List(const ListContext&) override {
    std::lock_guard lock(mu_);
    ++lists;
    if (!list_error.ok()) return list_error;
    return live;
  }
  Status Invite(const Action& a) override {
    std::lock_guard lock(mu_);
    Journalled(a);
    if (fail_email == a.email) return FailedPrecondition("inviteUser returned ok: false: refused");
    LiveUser u = Pending(a.after);
    live.users[a.email] = u;
    ++mutations;
    return OkStatus();
  }
  Status ChangeGrants(const Action& a) override {
    std::lock_guard lock(mu_);
    Journalled(a);
    live.users[a.email].grants = a.after;
    ++mutations;
    return OkStatus();
  }
  Status Retire(const Action& a) override {
    std::lock_guard lock(mu_);
    Journalled(a);
    live.users.erase(a.email);
    ++mutations;
    return OkStatus();
  }
  Status Reactivate(const Action&) override { return FailedPrecondition("no"); }
  Status Remove(const Action&) override { return FailedPrecondition("no"); }
  Status Update(const Action&) override { return FailedPrecondition("no"); }

  LiveState live;
  Status list_error;
  std::string fail_email;
  int lists = 0, mutations = 0, unjournalled = 0;

 private:
  void Journalled(const Action& a) {
    auto pending = store_->PendingEntries(a.platform);
    bool found = false;
    if (pending.ok())
      for (const auto& e : *pending) found |= e.email == a.email && e.action == VerbName(a.verb);
    if (!found) ++unjournalled;
  }
  Store* store_;
  std::mutex mu_;
};

PlatformConfig Config() {
  PlatformConfig c;
  c.name = "ws";
  c.type = PlatformType::kWorkspace;
  c.offboarding = Offboarding::kRetire;
  return c;
}

DesiredUser Want(const std::string& type) {
  DesiredUser u;
  u.grants.single = type;
  return u;
}

// The wall clock stands at 1'700'000'000 (FakeEnv's start).
Env& FixedClock() {
  static std::unique_ptr<Env> system = SystemEnv();
  static testing::FakeEnv env(*system);
  return env;
}

}  // namespace

TEST_CASE("every request is journalled before it is sent, and completed after") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}, {"b@x.io", Want("ADMIN")}};
  auto run = st.store->BeginRun("apply", "d", "", 1);
  REQUIRE(run.ok());
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *run;
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  CHECK(out.succeeded == 2);
  CHECK(ws.mutations == 2);
  CHECK(ws.unjournalled == 0);
  auto pending = st.store->PendingEntries("ws");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
  auto managed = st.store->Managed("ws");
  REQUIRE(managed.ok());
  CHECK(managed->size() == 2);
  CHECK(managed->at("b@x.io").grants.single == "ADMIN");
}

TEST_CASE("a converged platform plans nothing and sends nothing") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}};
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  int before = ws.mutations;
  PlatformOutcome second = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  CHECK(second.plan.actions.empty());
  CHECK(second.result() == "ok");
  CHECK(ws.mutations == before);
}

TEST_CASE("a failed action is reported with the platform's message and the rest stand") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  ws.fail_email = "a@x.io";
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}, {"b@x.io", Want("ADMIN")}};
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  REQUIRE(out.failures.size() == 1);
  CHECK(out.failures[0].error.message().find("refused") != std::string::npos);
  CHECK(out.succeeded == 1);
  CHECK(out.result() == "failed");
  auto managed = st.store->Managed("ws");
  CHECK(managed->count("a@x.io") == 0);
  HistoryQuery q;
  q.email = "a@x.io";
  auto hist = st.store->History(q);
  REQUIRE(hist->size() == 1);
  CHECK(hist->front().status == JournalStatus::kFailed);
}

TEST_CASE("journal rows left pending by a killed process are closed and re-planned") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  Action a;
  a.platform = "ws";
  a.email = "a@x.io";
  a.verb = Verb::kInvite;
  a.after.single = "DEVELOPER";
  auto old_run = st.store->BeginRun("apply", "d", "", 1);
  REQUIRE(st.store->JournalBegin(*old_run, a, 1).ok());
  // The invitation reached the platform before the process died.
  ws.live.users["a@x.io"] = Pending(a.after);

  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 2);
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}};
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  CHECK(ws.mutations == 0);  // not invited twice
  CHECK(st.store->PendingEntries("ws")->empty());
  REQUIRE(out.plan.actions.size() == 1);
  CHECK(out.plan.actions[0].verb == Verb::kAdopt);
}

TEST_CASE("platform ids learnt from the listing are recorded, and confirmed leavers forgotten, after the actions") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}, {"b@x.io", Want("ADMIN")}};
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  // A leaver idsync retired, absent from this listing and the previous complete one.
  ManagedAccount gone;
  gone.platform = "ws";
  gone.email = "gone@x.io";
  gone.retired = true;
  REQUIRE(st.store->PutManaged(gone).ok());
  REQUIRE(ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock()).succeeded == 2);
  CHECK(st.store->Managed("ws")->at("a@x.io").user_id.empty());  // invited: no id yet
  for (const char* email : {"a@x.io", "b@x.io"}) {  // both accepted: accounts with ids
    ws.live.users[email].status = LiveStatus::kActive;
    ws.live.users[email].id = std::string("id-") + email;
  }
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  CHECK(out.failures.empty());
  auto managed = st.store->Managed("ws");
  REQUIRE(managed.ok());
  REQUIRE(managed->size() == 2);  // the leaver is forgotten
  CHECK(managed->at("a@x.io").user_id == "id-a@x.io");
  CHECK(managed->at("b@x.io").user_id == "id-b@x.io");
  CHECK(managed->at("b@x.io").grants.single == "ADMIN");
  CHECK(ws.mutations == 2);  // the ids cost no request
}

TEST_CASE("a listing failure fails only the plan and applies nothing") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  ws.list_error = Unauthenticated("ws: listUsers: HTTP 401: invalid API key");
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}};
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, *st.store, opt, FixedClock());
  CHECK(out.failed());
  CHECK(out.plan.error.message().find("invalid API key") != std::string::npos);
  CHECK(ws.mutations == 0);
}

// The snapshot as it was written before it was written by hand: one ordered_json per user.
std::string SnapshotByTree(const LiveState& live, int64_t now) {
  std::string out = "{\"taken_at\":" + std::to_string(now) +
                    ",\"complete\":" + (live.complete ? "true" : "false") + ",\"users\":[";
  bool first = true;
  for (const auto& [email, u] : live.users) {
    if (!first) out += ',';
    first = false;
    out += nlohmann::ordered_json{{"email", email}, {"id", u.id}, {"status", LiveStatusName(u.status)},
                                  {"raw_status", u.raw_status}, {"grants", GrantsToJsonValue(u.grants)}}
               .dump();
  }
  return out + "]}";
}

LiveState OddListing() {
  LiveState live;
  LiveUser plain = Pending(Grants{});
  plain.grants.single = "DEVELOPER";
  LiveUser odd = Pending(Grants{});
  odd.id = "ctl\b\f\n\r\t\x01\x1f\x7f end";
  odd.raw_status = "caf\xc3\xa9 \xe2\x9c\x93";  // UTF-8 passes through
  odd.status = LiveStatus::kExpired;
  odd.grants.scoped = {{"ws1", "EDITOR"}, {"w\"s2", "ADMIN"}};
  odd.grants.set = {"b", "a\n"};
  LiveUser empty = Pending(Grants{});
  empty.status = LiveStatus::kRetired;
  live.users = {{"a@x.io", plain}, {"q\"uote\\d@x.io", odd}, {"e@x.io", empty}};
  return live;
}

TEST_CASE("the live snapshot reads back byte for byte as the JSON dump of the listing") {
  TempState st;
  FakeWorkspace ws(st.store.get());
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  const int64_t now = FixedClock().NowUnix();
  for (bool complete : {true, false}) {
    ws.live = OddListing();
    ws.live.complete = complete;
    ReconcilePlatform(Config(), DesiredUsers{}, ws, *st.store, opt, FixedClock());  // unmanaged: left alone
    CHECK(*st.store->Snapshot("ws") == SnapshotByTree(ws.live, now));
  }
  ws.live = LiveState{};
  ReconcilePlatform(Config(), DesiredUsers{}, ws, *st.store, opt, FixedClock());
  CHECK(*st.store->Snapshot("ws") == SnapshotByTree(LiveState{}, now));
  CHECK(SnapshotListingJson(OddListing()) == "{" + SnapshotByTree(OddListing(), 0).substr(std::string("{\"taken_at\":0,").size()));

  LiveState bad;  // not UTF-8: thrown as the dump throws it
  bad.users["x@x.io"] = Pending(Grants{});
  bad.users["x@x.io"].id = "\xff";
  CHECK_THROWS_AS(SnapshotListingJson(bad), nlohmann::json::type_error);
  CHECK_THROWS_AS(SnapshotDigest(bad), nlohmann::json::type_error);
  CHECK_THROWS_AS(SnapshotByTree(bad, 1), nlohmann::json::type_error);
}

TEST_CASE("the snapshot digest is the SHA-256 of the listing text, taken piece by piece") {
  LiveState many = OddListing();
  for (int i = 0; i < 2000; ++i) {  // about 200 KB: several pieces
    LiveUser u = Pending(Grants{});
    u.id = std::string(40, 'x');
    many.users["u" + std::to_string(i) + "@x.io"] = u;
  }
  for (const LiveState& live : {LiveState{}, OddListing(), many}) {
    const std::string text = SnapshotListingJson(live);
    CHECK(SnapshotDigest(live) == "sha256:" + Sha256Hex(text));
  }
  LiveState changed = many;
  changed.users.begin()->second.raw_status = "ACCEPTED";
  CHECK(SnapshotDigest(changed) != SnapshotDigest(many));
  changed = many;
  changed.complete = false;
  CHECK(SnapshotDigest(changed) != SnapshotDigest(many));
}

TEST_CASE("a complete snapshot's emails are read without a tree; a partial or unreadable one gives none") {
  LiveState live = OddListing();
  const std::string text = "{\"taken_at\":5," + SnapshotListingJson(live).substr(1);
  CHECK(CompleteListingEmails(text) == std::set<std::string>{"a@x.io", "e@x.io", "q\"uote\\d@x.io"});
  live.complete = false;
  CHECK_FALSE(CompleteListingEmails("{\"taken_at\":5," + SnapshotListingJson(live).substr(1)).has_value());
  CHECK(CompleteListingEmails(R"({"complete":true,"users":[]})") == std::set<std::string>{});
  CHECK(CompleteListingEmails(R"({"users":[{"email":"a"}],"complete":true,"x":{"users":[{"email":"b"}]}})") ==
        std::set<std::string>{"a"});
  CHECK(CompleteListingEmails(R"({"complete":true,"users":[{"id":"1","grants":{"email":"no"}},["email","no"],{"email":7}]})") ==
        std::set<std::string>{});
  for (const char* bad : {"", "[]", R"({"complete":true})", R"({"complete":"yes","users":[]})",
                          R"({"complete":true,"users":[{"email":"a"}])"}) {
    CHECK_FALSE(CompleteListingEmails(bad).has_value());
  }
}

// The store's calls since its last Reset, "Name" or "NamexN", by name.
std::string Calls(const testing::CountingStore& store) {
  std::string out;
  for (const auto& call : store.calls())
    out += (out.empty() ? "" : " ") + call.first + (call.second > 1 ? "x" + std::to_string(call.second) : "");
  return out;
}

TEST_CASE("a converged reconcile reads the state once, writes its status and only the snapshot's time") {
  TempState st;
  std::unique_ptr<Env> system = SystemEnv();
  testing::FakeEnv clock(*system);  // its own: this test moves it
  testing::CountingStore store(*st.store);
  FakeWorkspace ws(st.store.get());
  DesiredUsers desired{{"a@x.io", Want("DEVELOPER")}, {"b@x.io", Want("ADMIN")}};
  ReconcileOptions opt;
  opt.apply = true;
  opt.run_id = *st.store->BeginRun("apply", "d", "", 1);
  REQUIRE(ReconcilePlatform(Config(), desired, ws, store, opt, clock).succeeded == 2);
  ReconcilePlatform(Config(), desired, ws, store, opt, clock);  // snapshots the invitations
  clock.SleepFor(std::chrono::seconds(5));
  const std::string before = **st.store->Snapshot("ws");

  store.Reset();
  PlatformOutcome out = ReconcilePlatform(Config(), desired, ws, store, opt, clock);
  CHECK(out.plan.actions.empty());
  // Every state call of a no-op: no listing text written, no managed row touched (the
  // executor hands the journal its empty list of deferred and held actions: no statement).
  CHECK(Calls(store) == "JournalRecordAll Managed PendingEntries PutPlatformStatus TouchSnapshot");
  const std::string after = **st.store->Snapshot("ws");
  const std::string moved = "{\"taken_at\":" + std::to_string(clock.NowUnix()) + ",";
  CHECK(after.substr(0, moved.size()) == moved);
  CHECK(after.substr(moved.size()) == before.substr(before.find(',') + 1));  // the same listing

  ws.live.users["a@x.io"].raw_status = "ACCEPTED";  // the listing changed: written again
  store.Reset();
  ReconcilePlatform(Config(), desired, ws, store, opt, clock);
  CHECK(store.calls().count("PutSnapshot") == 1);
  CHECK(*st.store->Snapshot("ws") == SnapshotByTree(ws.live, clock.NowUnix()));
}

}  // namespace idsync
