// The JSON state/ writes for grants and journal payloads.
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "state/codec.h"

namespace idsync {
namespace {

TEST_CASE("grants are written with empty parts omitted") {
  struct Case {
    const char* name;
    Grants grants;
    std::string want;
  };
  Grants all;
  all.single = "SYSTEM_ADMIN";
  all.scoped = {{"ws1", "WORKSPACE_EDITOR"}};
  all.set = {"b", "a"};
  Grants single_only;
  single_only.single = "DEVELOPER";
  const std::vector<Case> cases = {
      {"no grants", Grants{}, "{}"},
      {"single only", single_only, R"({"single":"DEVELOPER"})"},
      {"all parts", all, R"({"scoped":{"ws1":"WORKSPACE_EDITOR"},"set":["a","b"],"single":"SYSTEM_ADMIN"})"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(EncodeGrants(c.grants) == c.want);
    StatusOr<Grants> back = DecodeGrants(c.want);
    REQUIRE(back.ok());
    CHECK(*back == c.grants);
  }
}

TEST_CASE("grants with one single value decode alike on the quick path and the JSON one") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"single":"DEVELOPER"})", "DEVELOPER"},
      {R"({"single":"A\"B"})", "A\"B"},            // an escape: read as JSON
      {R"({"single":"caf\u00e9"})", "caf\u00e9"},  // likewise
      {R"({"single":"x","y":"z"})", "x"},           // not the written shape: read as JSON
  };
  for (const auto& c : cases) {  // no structured binding: CAPTURE is a lambda (clang 14)
    const std::string& text = c.first;
    CAPTURE(text);
    StatusOr<Grants> g = DecodeGrants(text);
    REQUIRE(g.ok());
    CHECK(g->single == c.second);
    CHECK(g->scoped.empty());
    CHECK(g->set.empty());
  }
  StatusOr<Grants> empty = DecodeGrants(R"({"single":""})");  // an empty value is a value
  REQUIRE(empty.ok());
  CHECK(empty->single == "");
  CHECK_FALSE(DecodeGrants(R"({"single":"x"}})").ok());  // trailing garbage is still refused
}

TEST_CASE("grants that are not the stored shape are rejected") {
  for (const std::string text : {"", "[]", R"({"single":7})", R"({"set":"a"})", "{"}) {
    CAPTURE(text);
    StatusOr<Grants> g = DecodeGrants(text);
    REQUIRE_FALSE(g.ok());
    CHECK(g.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("an action payload round-trips and leaves platform and email to the row") {
  Action a;
  a.platform = "orgadmin";
  a.email = "alice@acme.io";
  a.verb = Verb::kReactivate;
  a.user_id = "u1";
  a.before.set = {"g1"};
  a.after.single = "admin";
  a.after.set = {"g1", "g2"};
  a.profile.email_as_written = "Alice@Acme.io";
  a.profile.given_name = "Alice";
  a.profile.external_id = "E-1";
  a.reason = "desired active, live retired";
  a.disposition = Disposition::kDeferred;
  a.drift = true;
  const std::string payload = EncodeActionPayload(a);
  CHECK(payload.find("alice@acme.io") == std::string::npos);
  CHECK(payload.find("\"verb\":\"reactivate\"") != std::string::npos);
  StatusOr<Action> back = DecodeActionPayload("orgadmin", "alice@acme.io", payload);
  REQUIRE(back.ok());
  CHECK(*back == a);
}

TEST_CASE("every verb is stored under its own name") {
  const std::vector<std::pair<Verb, std::string>> table = {
      {Verb::kInvite, "invite"}, {Verb::kReinvite, "reinvite"},
      {Verb::kAdopt, "adopt"},   {Verb::kGrant, "grant"},
      {Verb::kRevoke, "revoke"}, {Verb::kUpdate, "update"},
      {Verb::kReactivate, "reactivate"}, {Verb::kRetire, "retire"},
      {Verb::kRemove, "remove"},
  };
  for (const auto& row : table) {
    CAPTURE(row.second);
    CHECK(StoredVerbName(row.first) == row.second);
    Action a;
    a.verb = row.first;
    StatusOr<Action> back = DecodeActionPayload("p", "e", EncodeActionPayload(a));
    REQUIRE(back.ok());
    CHECK(back->verb == row.first);
  }
}

TEST_CASE("a payload with an unknown verb is rejected") {
  StatusOr<Action> a = DecodeActionPayload("p", "e", R"({"verb":"explode"})");
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().message().find("explode") != std::string::npos);
}

}  // namespace
}  // namespace idsync
