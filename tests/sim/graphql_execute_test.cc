// Variable coercion, execution and projection, and the endpoint that strings them
// together: answers have exactly the shape asked for.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "sim/graphql/endpoint.h"
#include "sim/graphql/parser.h"
#include "sim/graphql/schema.h"
#include "sim/workspace/workspace_schema.h"

namespace idsync::sim::gql {
namespace {

using nlohmann::json;

const Schema& Workspace() {
  static const Schema schema = std::get<Schema>(ParseSchema(kWorkspaceSchema));
  return schema;
}

const char* kInvite =
    "mutation InviteUser($email: String!, $accountType: UserAccountType!) {"
    " inviteUser(email: $email, accountType: $accountType) { ok } }";

// Resolvers over a fixed workspace; inviteUser records its arguments.
struct Fixture {
  json last_args;
  Resolvers resolvers;
  Fixture() {
    resolvers.Add("Query", "listUsers", [](const json&) {
      return FieldResult::Ok({{"ok", true},
                              {"activeUsers", {{{"uid", "u1"}, {"email", "a@x.io"}, {"name", nullptr}, {"accountType", "ADMIN"}, {"secret", 1}}}},
                              {"invitedUsers", json::array()}});
    });
    resolvers.Add("Mutation", "inviteUser", [this](const json& args) {
      last_args = args;
      return FieldResult::Ok({{"ok", true}});
    });
    resolvers.Add("Mutation", "disableUser", [](const json&) {
      return FieldResult::Fail("No active user with uid x.", "USER_NOT_FOUND");
    });
  }
  // The answer with its body as plain json (for comparisons) and as sent (`text`).
  struct Answer {
    int status;
    json body;
    std::string text;
  };
  Answer Post(const json& body, ErrorShaper shaper = DefaultErrorShape) {
    Endpoint endpoint(&Workspace(), resolvers, std::move(shaper));
    HttpAnswer a = endpoint.Handle(body.dump());
    return {a.status, json::parse(a.body.dump()), a.body.dump()};
  }
};

TEST_CASE("variable values that do not coerce are BAD_USER_INPUT") {
  const Operation op = std::get<Document>(ParseDocument(kInvite)).operations.at(0);
  struct Case {
    const char* name;
    json variables;
    const char* message;
  };
  const Case cases[] = {
      {"enum value not in the enum", {{"email", "a@x.io"}, {"accountType", "BOSS"}},
       "Variable \"$accountType\" got invalid value \"BOSS\"; Value \"BOSS\" does not exist in \"UserAccountType\" enum."},
      {"number for a string", {{"email", 5}, {"accountType", "ADMIN"}},
       "Variable \"$email\" got invalid value 5; String cannot represent a non string value: 5"},
      {"number for an enum", {{"email", "a@x.io"}, {"accountType", 3}},
       "Variable \"$accountType\" got invalid value 3; Enum \"UserAccountType\" cannot represent non-string value: 3."},
      {"missing non-null", {{"accountType", "ADMIN"}},
       "Variable \"$email\" of required type \"String!\" was not provided."},
      {"null for non-null", {{"email", nullptr}, {"accountType", "ADMIN"}},
       "Variable \"$email\" of non-null type \"String!\" must not be null."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto coerced = CoerceVariables(Workspace(), op, c.variables);
    REQUIRE(std::holds_alternative<std::vector<Error>>(coerced));
    const Error& e = std::get<std::vector<Error>>(coerced).at(0);
    CHECK(e.message == c.message);
    CHECK(e.code == "BAD_USER_INPUT");
  }
  auto ok = CoerceVariables(Workspace(), op, {{"email", "a@x.io"}, {"accountType", "ADMIN"}});
  REQUIRE(std::holds_alternative<json>(ok));
  CHECK(std::get<json>(ok) == json{{"email", "a@x.io"}, {"accountType", "ADMIN"}});
}

TEST_CASE("resolvers receive coerced arguments from variables and literals") {
  Fixture f;
  auto a = f.Post({{"query", kInvite}, {"variables", {{"email", "b@x.io"}, {"accountType", "ANALYST"}}}});
  CHECK(a.status == 200);
  CHECK(a.body == json{{"data", {{"inviteUser", {{"ok", true}}}}}});
  CHECK(f.last_args == json{{"email", "b@x.io"}, {"accountType", "ANALYST"}});

  f.Post({{"query", "mutation { inviteUser(email: \"c@x.io\", accountType: BUSINESS) { ok } }"}});
  CHECK(f.last_args == json{{"email", "c@x.io"}, {"accountType", "BUSINESS"}});
}

TEST_CASE("the answer holds only the selected fields, under their aliases") {
  Fixture f;
  auto a = f.Post({{"query", "{ everyone: listUsers { __typename ok people: activeUsers { id: uid email name } "
                                   "invitedUsers { email } } t: __typename }"}});
  CHECK(a.status == 200);
  json expected = {{"data",
                    {{"everyone",
                      {{"__typename", "ListUsersResult"},
                       {"ok", true},
                       {"people", {{{"id", "u1"}, {"email", "a@x.io"}, {"name", nullptr}}}},
                       {"invitedUsers", json::array()}}},
                     {"t", "Query"}}}};
  CHECK(a.body == expected);
}

TEST_CASE("a field selected twice, under two aliases, has its value in both places") {
  Fixture f;
  auto a = f.Post({{"query", "{ listUsers { a: activeUsers { e: email email } b: activeUsers { email } } }"}});
  CHECK(a.status == 200);
  json user = {{"e", "a@x.io"}, {"email", "a@x.io"}};
  CHECK(a.body["data"]["listUsers"]["a"] == json::array({user}));
  CHECK(a.body["data"]["listUsers"]["b"] == json::array({{{"email", "a@x.io"}}}));
}

TEST_CASE("the answer keeps the order of the selection") {
  Fixture f;
  auto a = f.Post({{"query", "{ listUsers { ok activeUsers { uid email } } }"}});
  std::string text = a.text;
  CHECK(text.find("\"uid\"") < text.find("\"email\""));
  a = f.Post({{"query", "{ listUsers { activeUsers { email uid } ok } }"}});
  text = a.text;
  CHECK(text.find("\"email\"") < text.find("\"uid\""));
  CHECK(text.find("\"activeUsers\"") < text.find("\"ok\""));
}

TEST_CASE("a failing non-null root field nulls data and reports path and code") {
  Fixture f;
  auto a = f.Post({{"query", "mutation D { gone: disableUser(uid: \"x\") { ok } }"}});
  CHECK(a.status == 200);
  CHECK(a.body["data"].is_null());
  REQUIRE(a.body["errors"].size() == 1);
  CHECK(a.body["errors"][0]["message"] == "No active user with uid x.");
  CHECK(a.body["errors"][0]["path"] == json::array({"gone"}));
  CHECK(a.body["errors"][0]["extensions"]["code"] == "USER_NOT_FOUND");
}

TEST_CASE("a missing resolver and a null for a non-null field are execution errors") {
  Fixture f;
  f.resolvers.Add("Query", "listUsers", [](const json&) {
    return FieldResult::Ok({{"ok", true}, {"activeUsers", {{{"uid", nullptr}}}}, {"invitedUsers", json::array()}});
  });
  auto a = f.Post({{"query", "{ listUsers { ok activeUsers { uid } } }"}});
  CHECK(a.body["data"].is_null());
  CHECK(a.body["errors"][0]["message"] == "Cannot return null for non-nullable field ActiveUser.uid.");
  CHECK(a.body["errors"][0]["path"] == json::array({"listUsers", "activeUsers", 0, "uid"}));

  a = f.Post({{"query", "mutation { updateUserAccountType(uid: \"u\", accountType: ADMIN) { ok } }"}});
  CHECK(a.body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR");
}

TEST_CASE("requests that fail before execution are HTTP 400 without data") {
  Fixture f;
  struct Case {
    const char* name;
    std::string body;
    const char* code;
  };
  const Case cases[] = {
      {"not JSON", "{", "BAD_REQUEST"},
      {"no query", json{{"variables", json::object()}}.dump(), "BAD_REQUEST"},
      {"variables not an object", json{{"query", "{ listUsers { ok } }"}, {"variables", 1}}.dump(), "BAD_REQUEST"},
      {"syntax error", json{{"query", "{ listUsers { ok }"}}.dump(), "GRAPHQL_PARSE_FAILED"},
      {"unknown field", json{{"query", "{ listUsers { nope } }"}}.dump(), "GRAPHQL_VALIDATION_FAILED"},
      {"bad variable", json{{"query", kInvite}, {"variables", {{"email", 1}, {"accountType", "ADMIN"}}}}.dump(),
       "BAD_USER_INPUT"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Endpoint endpoint(&Workspace(), f.resolvers);
    HttpAnswer a = endpoint.Handle(c.body);
    CHECK(a.status == 400);
    CHECK_FALSE(a.body.contains("data"));
    CHECK(a.body["errors"][0]["extensions"]["code"] == c.code);
  }
}

TEST_CASE("a platform shapes its own errors through the shaper hook") {
  Fixture f;
  Phase seen = Phase::kExecution;
  auto always_200 = [&](Phase phase, const std::vector<Error>& errors, const json&) {
    seen = phase;
    json list = json::array();
    for (const Error& e : errors) list.push_back({{"message", e.message}});
    return HttpAnswer{200, {{"errors", list}}};
  };
  auto a = f.Post({{"query", "{ listUsers { nope } }"}}, always_200);
  CHECK(a.status == 200);
  CHECK(seen == Phase::kValidation);
  CHECK(a.body == json{{"errors", {{{"message", "Cannot query field \"nope\" on type \"ListUsersResult\"."}}}}});
}

}  // namespace
}  // namespace idsync::sim::gql
