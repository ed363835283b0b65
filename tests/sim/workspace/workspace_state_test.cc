// WorkspaceState's rules on uids, kept by an index (seeding 100,000 users with uids
// must not be quadratic): a uid is taken while its user is active, free again once
// the user is disabled; generated uids are 64 lowercase hex characters, all different.
#include "sim/workspace/workspace_state.h"

#include <doctest/doctest.h>

#include <set>
#include <variant>

namespace idsync::sim {
namespace {

const std::string kUid(64, 'a');

TEST_CASE("a uid is refused while an active user has it and free again once that user is disabled") {
  WorkspaceState state;
  REQUIRE(std::holds_alternative<WorkspaceUser>(state.AddUser({kUid, "a@acme.io", std::nullopt, "DEVELOPER"})));
  auto again = state.AddUser({kUid, "b@acme.io", std::nullopt, "DEVELOPER"});
  REQUIRE(std::holds_alternative<Refusal>(again));
  CHECK(std::get<Refusal>(again).code == "DUPLICATE_UID");
  CHECK(std::get<Refusal>(again).message == "uid " + kUid + " is already taken.");

  auto same_email = state.AddUser({"", " A@Acme.io", std::nullopt, "DEVELOPER"});
  REQUIRE(std::holds_alternative<Refusal>(same_email));
  CHECK(std::get<Refusal>(same_email).code == "USER_ALREADY_ACTIVE");

  REQUIRE_FALSE(state.Disable(kUid).has_value());
  auto after = state.AddUser({kUid, "b@acme.io", "B", "ADMIN"});
  REQUIRE(std::holds_alternative<WorkspaceUser>(after));
  CHECK(std::get<WorkspaceUser>(after).email == "b@acme.io");
  CHECK(state.users().size() == 1);
  CHECK(state.disabled().size() == 1);
}

TEST_CASE("an accepted invitation's new uid is taken like a seeded one") {
  WorkspaceState state;
  REQUIRE_FALSE(state.Invite("c@acme.io", "ANALYST").has_value());
  auto accepted = state.Accept("c@acme.io", std::nullopt);
  REQUIRE(std::holds_alternative<WorkspaceUser>(accepted));
  const std::string uid = std::get<WorkspaceUser>(accepted).uid;
  auto taken = state.AddUser({uid, "d@acme.io", std::nullopt, "ANALYST"});
  REQUIRE(std::holds_alternative<Refusal>(taken));
  CHECK(std::get<Refusal>(taken).code == "DUPLICATE_UID");
}

TEST_CASE("generated uids are 64 lowercase hex characters and all different") {
  WorkspaceState state;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string uid = state.NewUid();
    CHECK(uid.size() == 64);
    CHECK(uid.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(uid);
  }
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace idsync::sim
