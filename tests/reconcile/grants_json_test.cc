#include "reconcile/grants_json.h"

#include <doctest/doctest.h>

#include "tests/reconcile/plan_fixtures.h"

namespace idsync {
namespace {

using namespace idsync::testing;

TEST_CASE("grants survive a round trip through JSON") {
  const Grants cases[] = {
      Grants{},
      Single("DEVELOPER"),
      Scoped({{"ckws1", "WORKSPACE_EDITOR"}, {"ckws2", "WORKSPACE_ADMIN"}}, "SYSTEM_ADMIN"),
      Set({"b", "a", "Database Administrator"}),
      SingleSet("admin", {"0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11"}),
      Set({"quote\" and \\ and ünïcode"}),
  };
  for (const Grants& g : cases) {
    const std::string json = GrantsToJson(g);
    CAPTURE(json);
    const auto back = GrantsFromJson(json);
    REQUIRE(back.ok());
    CHECK(*back == g);
  }
}

TEST_CASE("grants JSON omits empty parts and keeps a fixed key order") {
  CHECK(GrantsToJson(Grants{}) == "{}");
  CHECK(GrantsToJson(Single("DEVELOPER")) == R"({"single":"DEVELOPER"})");
  CHECK(GrantsToJson(Scoped({{"w2", "B"}, {"w1", "A"}}, "S")) ==
        R"({"single":"S","scoped":{"w1":"A","w2":"B"}})");
  CHECK(GrantsToJson(SingleSet("user", {"y", "x"})) == R"({"single":"user","set":["x","y"]})");
}

TEST_CASE("malformed grants JSON is an error that says what is wrong") {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "not valid JSON"},
      {"[]", "expected an object"},
      {R"({"single": 3})", "\"single\" must be a string"},
      {R"({"scoped": {"w": 1}})", "\"scoped\".w must be a string"},
      {R"({"scoped": []})", "\"scoped\" must be an object"},
      {R"({"set": "a"})", "\"set\" must be an array"},
      {R"({"set": [1]})", "\"set\" must be an array"},
      {R"({"roles": []})", "unknown key \"roles\""},
  };
  for (const auto& row : cases) {
    const std::string input = row.first;
    CAPTURE(input);
    const auto parsed = GrantsFromJson(input);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    CHECK(parsed.status().message().find(row.second) != std::string::npos);
  }
}

}  // namespace
}  // namespace idsync
