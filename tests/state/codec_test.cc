// The JSON state/ writes for grants and journal payloads.
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

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

// The payload as a nlohmann::json tree dumps it: what EncodeActionPayload wrote before
// it wrote the text directly, and must still write byte for byte.
nlohmann::json TreeOfGrants(const Grants& g) {
  nlohmann::json out = nlohmann::json::object();
  if (g.single) out["single"] = *g.single;
  if (!g.scoped.empty()) out["scoped"] = g.scoped.get();
  if (!g.set.empty()) out["set"] = g.set.get();
  return out;
}

std::string TreePayload(const Action& a) {
  nlohmann::json out = {{"verb", VerbName(a.verb)}, {"user_id", a.user_id},
                        {"before", TreeOfGrants(a.before)}, {"after", TreeOfGrants(a.after)},
                        {"reason", a.reason}, {"disposition", DispositionName(a.disposition)},
                        {"drift", a.drift}};
  nlohmann::json profile = nlohmann::json::object();
  const Profile& p = a.profile;
  if (!p.email_as_written.empty()) profile["email_as_written"] = p.email_as_written;
  if (p.name) profile["name"] = *p.name;
  if (p.given_name) profile["given_name"] = *p.given_name;
  if (p.family_name) profile["family_name"] = *p.family_name;
  if (p.external_id) profile["external_id"] = *p.external_id;
  if (!profile.empty()) out["profile"] = std::move(profile);
  return out.dump();
}

TEST_CASE("payloads and grants are written byte for byte as a JSON tree dumps them") {
  // Plain ASCII, every escape, UTF-8, DEL and the JSON specials, in every field.
  const std::vector<std::string> texts = {"", "DEVELOPER", "quote \" and \\ back",
                                          "tab\t nl\n cr\r bs\b ff\f nul" + std::string(1, '\0'),
                                          "ctl \x01\x1f del \x7f", "Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x99\x82",
                                          "</script>{\"a\":[1]}"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string& t = texts[i];
    const std::string& u = texts[(i + 3) % texts.size()];
    CAPTURE(i);
    Action a;
    a.verb = static_cast<Verb>(i % 9);
    a.user_id = t;
    a.reason = u;
    a.drift = i % 2 == 1;
    a.disposition = i % 3 == 0 ? Disposition::kApply : Disposition::kHeld;
    if (i % 2 == 0) a.before.single = t;
    if (i > 1) a.before.scoped = {{t, u}, {u + "x", t}};
    if (i % 3 != 1) a.after.set = {t, u, "z"};
    if (i != 2) a.after.single = u;
    if (i % 2 == 1) a.profile.email_as_written = t;
    if (i % 3 == 0) a.profile.name = u;
    if (i > 2) a.profile.given_name = t;
    if (i > 3) a.profile.family_name = u;
    if (i == 5) a.profile.external_id = t;
    CHECK(EncodeActionPayload(a) == TreePayload(a));
    CHECK(EncodeGrants(a.before) == TreeOfGrants(a.before).dump());
    CHECK(EncodeGrants(a.after) == TreeOfGrants(a.after).dump());
    StatusOr<Action> back = DecodeActionPayload("p", "e", EncodeActionPayload(a));
    REQUIRE(back.ok());
    a.platform = "p";
    a.email = "e";
    CHECK(*back == a);
  }
}

TEST_CASE("text that is not UTF-8 is refused as a JSON tree refuses it") {
  Action a;
  a.reason = "bad \xff byte";
  CHECK_THROWS_AS(TreePayload(a), nlohmann::json::exception);
  CHECK_THROWS_AS(EncodeActionPayload(a), nlohmann::json::exception);
}

}  // namespace
}  // namespace idsync
