// Store::RecordAdopts: the adopts of one reconcile in one transaction (issue 17).
// Part of the shared conformance suite (tests/state/backend.h): runs on both backends.
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
  Adoption Adopt(const std::string& platform, const std::string& email, const std::string& role,
                 Verb verb = Verb::kAdopt) {
    Action& action = actions.emplace_back();
    action.platform = platform;
    action.email = email;
    action.verb = verb;
    action.user_id = "id-" + email;
    action.before.single = role;
    action.after.single = role;
    action.reason = "already on " + platform + "; not yet managed by idsync";
    Adoption a;
    a.action = &action;
    a.account.platform = platform;
    a.account.email = email;
    a.account.user_id = "id-" + email;
    a.account.grants.single = role;
    a.account.first_managed = 7;
    a.account.last_seen = 7;
    return a;
  }

  ManagedAccounts MustManaged(Store& from, const std::string& platform) {
    StatusOr<ManagedAccounts> m = from.Managed(platform);
    REQUIRE_MESSAGE(m.ok(), m.status().ToString());
    return *m;
  }
};

TEST_CASE_FIXTURE(Fixture, "adopts are recorded at once: a succeeded row without an attempt and a managed account each") {
  const std::vector<Adoption> adopts = {Adopt("ws", "a@acme.io", "DEVELOPER"),
                                        Adopt("ws", "b@acme.io", "ADMIN"),
                                        Adopt("ws", "c@acme.io", "ANALYST")};
  Status s = store->RecordAdopts(run, adopts, 42);
  REQUIRE_MESSAGE(s.ok(), s.ToString());

  auto other = MustOpen(location);  // committed: another connection sees every row
  const std::vector<JournalEntry> rows = MustHistory(*other);
  REQUIRE(rows.size() == 3);
  for (const JournalEntry& e : rows) {
    CAPTURE(e.email);
    CHECK(e.run_id == run);
    CHECK(e.action == "adopt");
    CHECK(e.status == JournalStatus::kSucceeded);
    CHECK(e.attempts == 0);
    CHECK(e.created_at == 42);
    CHECK(e.updated_at == 42);
    StatusOr<Action> decoded = DecodeActionPayload(e.platform, e.email, e.payload);
    REQUIRE(decoded.ok());
    const auto& wanted = e.email == "a@acme.io" ? adopts[0] : e.email == "b@acme.io" ? adopts[1] : adopts[2];
    CHECK(*decoded == *wanted.action);
  }
  StatusOr<std::vector<JournalEntry>> pending = other->PendingEntries("");
  REQUIRE(pending.ok());
  CHECK(pending->empty());
  const ManagedAccounts managed = MustManaged(*other, "ws");
  REQUIRE(managed.size() == 3);
  for (const Adoption& a : adopts) CHECK(managed.at(a.account.email) == a.account);
}

TEST_CASE_FIXTURE(Fixture, "adopting an account already managed replaces its record") {
  ManagedAccount old = Adopt("ws", "a@acme.io", "DEVELOPER").account;
  old.retired = true;
  REQUIRE(store->PutManaged(old).ok());
  const Adoption again = Adopt("ws", "a@acme.io", "ADMIN");
  REQUIRE(store->RecordAdopts(run, {again}, 9).ok());
  CHECK(MustManaged(*store, "ws").at("a@acme.io") == again.account);
}

TEST_CASE_FIXTURE(Fixture, "recording adopts is all or nothing: one action that is not an adopt writes nothing") {
  // An invite sends a request: JournalBegin, not this.
  std::vector<Adoption> adopts = {Adopt("ws", "a@acme.io", "DEVELOPER"),
                                  Adopt("ws", "b@acme.io", "ADMIN", Verb::kInvite)};
  Status s = store->RecordAdopts(run, adopts, 1);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("b@acme.io") != std::string::npos);
  CHECK(MustHistory(*store).empty());
  CHECK(MustManaged(*store, "ws").empty());
}

TEST_CASE_FIXTURE(Fixture, "an adoption without its action is refused and writes nothing") {
  std::vector<Adoption> adopts = {Adopt("ws", "a@acme.io", "DEVELOPER"), Adopt("ws", "b@acme.io", "ADMIN")};
  adopts[1].action = nullptr;
  Status s = store->RecordAdopts(run, adopts, 1);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(MustHistory(*store).empty());
  CHECK(MustManaged(*store, "ws").empty());
}

TEST_CASE_FIXTURE(Fixture, "an empty list of adopts writes nothing") {
  CHECK(store->RecordAdopts(run, {}, 1).ok());
  CHECK(MustHistory(*store).empty());
}

TEST_CASE_FIXTURE(Fixture, "five thousand adopts are recorded by one call, each once") {
  std::vector<Adoption> adopts;
  for (int i = 0; i < 5000; ++i) adopts.push_back(Adopt("ws", "u" + std::to_string(i) + "@acme.io", "DEVELOPER"));
  Status s = store->RecordAdopts(0, adopts, 3);  // run 0: no run
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  const std::vector<JournalEntry> rows = MustHistory(*store);
  REQUIRE(rows.size() == 5000);
  CHECK(rows.front().run_id == 0);
  CHECK(MustManaged(*store, "ws").size() == 5000);
  CHECK(MustManaged(*store, "other").empty());
}

TEST_CASE_FIXTURE(Fixture, "a hostile email among adopts is stored verbatim") {
  const std::string hostile = "x'); DROP TABLE journal; --\"\\\u00e9@acme.io";
  REQUIRE(store->RecordAdopts(run, {Adopt("ws", hostile, "DEVELOPER")}, 1).ok());
  const std::vector<JournalEntry> rows = MustHistory(*store);
  REQUIRE(rows.size() == 1);
  CHECK(rows.front().email == hostile);
  CHECK(MustManaged(*store, "ws").count(hostile) == 1);
}

}  // namespace
}  // namespace idsync
