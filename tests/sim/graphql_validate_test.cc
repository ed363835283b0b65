// Validation against a schema: the errors a real server gives for what a client
// could get wrong, and the choice of the operation to run.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "sim/graphql/parser.h"
#include "sim/graphql/schema.h"
#include "sim/graphql/validate.h"
#include "sim/workspace/workspace_schema.h"

namespace idsync::sim::gql {
namespace {

const Schema& Workspace() {
  static const Schema schema = std::get<Schema>(ParseSchema(kWorkspaceSchema));
  return schema;
}

const Schema& WithInputs() {
  static const Schema schema = std::get<Schema>(ParseSchema(
      "scalar Uuid input Search { email: String, id: Uuid! }\n"
      "enum Role { ADMIN USER }\n"
      "type Query { find(search: Search, take: Int = 10, roles: [Role!]): [String!]! }\n"
      "type Mutation { add(role: Role = USER, email: String!): String }"));
  return schema;
}

// The validation messages for `text`; empty when it is valid.
std::vector<std::string> Errors(const Schema& schema, const std::string& text, const std::string& operation = "") {
  auto parsed = ParseDocument(text);
  REQUIRE_MESSAGE(std::holds_alternative<Document>(parsed), text);
  auto result = Validate(schema, std::get<Document>(parsed), operation);
  std::vector<std::string> out;
  if (auto* errors = std::get_if<std::vector<Error>>(&result)) {
    for (const Error& e : *errors) out.push_back(e.message);
  }
  return out;
}

TEST_CASE("the documented workspace operations are valid") {
  CHECK(Errors(Workspace(), "query ListUsers { listUsers { ok activeUsers { uid email name accountType } "
                            "invitedUsers { email accountType inviteStatus } } }")
            .empty());
  CHECK(Errors(Workspace(), "mutation InviteUser($email: String!, $accountType: UserAccountType!) {"
                            " inviteUser(email: $email, accountType: $accountType) { ok } }")
            .empty());
  CHECK(Errors(Workspace(), "mutation { disableUser(uid: \"abc\") { ok __typename } }").empty());
}

TEST_CASE("invalid documents get the messages a real server gives") {
  struct Case {
    const char* name;
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"unknown field", "{ listUsers { ok activeUsers { uid foo } invitedUsers { email } } }",
       "Cannot query field \"foo\" on type \"ActiveUser\"."},
      {"unknown root field", "{ users { id } }", "Cannot query field \"users\" on type \"Query\"."},
      {"unknown argument", "mutation { inviteUser(email: \"a@b.c\", accountType: ADMIN, bar: 1) { ok } }",
       "Unknown argument \"bar\" on field \"Mutation.inviteUser\"."},
      {"missing required argument", "mutation { inviteUser(email: \"a@b.c\") { ok } }",
       "Field \"inviteUser\" argument \"accountType\" of type \"UserAccountType!\" is required, but it was not provided."},
      {"missing selection set", "{ listUsers }",
       "Field \"listUsers\" of type \"ListUsersResult!\" must have a selection of subfields. Did you mean \"listUsers { ... }\"?"},
      {"selection on a scalar", "{ listUsers { ok { x } } }",
       "Field \"ok\" must not have a selection since type \"Boolean!\" has no subfields."},
      {"selection on an enum", "{ listUsers { activeUsers { accountType { x } } } }",
       "Field \"accountType\" must not have a selection since type \"UserAccountType!\" has no subfields."},
      {"nullable variable where non-null expected",
       "mutation M($email: String, $t: UserAccountType!) { inviteUser(email: $email, accountType: $t) { ok } }",
       "Variable \"$email\" of type \"String\" used in position expecting type \"String!\"."},
      {"variable of the wrong type",
       "mutation M($email: String!, $t: String!) { inviteUser(email: $email, accountType: $t) { ok } }",
       "Variable \"$t\" of type \"String!\" used in position expecting type \"UserAccountType!\"."},
      {"undefined variable", "mutation M { disableUser(uid: $uid) { ok } }",
       "Variable \"$uid\" is not defined in operation \"M\"."},
      {"unused variable", "query Q($x: String) { listUsers { ok } }", "Variable \"$x\" is never used in operation \"Q\"."},
      {"unknown variable type", "mutation M($uid: Text!) { disableUser(uid: $uid) { ok } }", "Unknown type \"Text\"."},
      {"output type variable", "mutation M($uid: OkResult!) { disableUser(uid: $uid) { ok } }",
       "Variable \"$uid\" cannot be non-input type \"OkResult!\"."},
      {"literal of the wrong type", "mutation { disableUser(uid: 42) { ok } }",
       "String cannot represent a non string value: 42"},
      {"unknown enum literal", "mutation { inviteUser(email: \"a@b.c\", accountType: BOSS) { ok } }",
       "Value \"BOSS\" does not exist in \"UserAccountType\" enum."},
      {"string for an enum", "mutation { inviteUser(email: \"a@b.c\", accountType: \"ADMIN\") { ok } }",
       "Enum \"UserAccountType\" cannot represent non-enum value: \"ADMIN\"."},
      {"null for non-null", "mutation { disableUser(uid: null) { ok } }", "Expected value of type \"String!\", found null."},
      {"duplicate operation names", "query A { listUsers { ok } } query A { listUsers { ok } }",
       "There can be only one operation named \"A\"."},
      {"subscription", "subscription S { listUsers { ok } }", "Schema is not configured to execute subscription operation."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::vector<std::string> errors = Errors(Workspace(), c.text);
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.front() == c.message);
  }
}

TEST_CASE("input objects, lists and defaults are checked") {
  CHECK(Errors(WithInputs(), "{ find(search: {id: \"1\"}, roles: [ADMIN, USER]) }").empty());
  CHECK(Errors(WithInputs(), "{ find(roles: ADMIN) }").empty());  // a single value for a list
  CHECK(Errors(WithInputs(), "{ find(search: {email: \"a\"}) }") ==
        std::vector<std::string>{"Field \"Search.id\" of required type \"Uuid!\" was not provided."});
  CHECK(Errors(WithInputs(), "{ find(search: {id: \"1\", nick: \"x\"}) }") ==
        std::vector<std::string>{"Field \"nick\" is not defined by type \"Search\"."});
  CHECK(Errors(WithInputs(), "{ find(roles: [ADMIN, BOSS]) }") ==
        std::vector<std::string>{"Value \"BOSS\" does not exist in \"Role\" enum."});
  // A variable nested in a list takes the item's type.
  CHECK(Errors(WithInputs(), "query Q($r: Role!) { find(roles: [$r]) }").empty());
  CHECK(Errors(WithInputs(), "query Q($r: String!) { find(roles: [$r]) }") ==
        std::vector<std::string>{"Variable \"$r\" of type \"String!\" used in position expecting type \"Role!\"."});
  // A nullable variable may fill an argument with a default, or carry a default itself.
  CHECK(Errors(WithInputs(), "mutation M($e: String = \"x\") { add(email: $e) }").empty());
  CHECK(Errors(WithInputs(), "query Q($t: Int) { find(take: $t) }").empty());
}

TEST_CASE("the operation to run is chosen by operationName") {
  const std::string two = "query A { listUsers { ok } } mutation B { disableUser(uid: \"x\") { ok } }";
  auto parsed = std::get<Document>(ParseDocument(two));
  auto chosen = Validate(Workspace(), parsed, "B");
  REQUIRE(std::holds_alternative<const Operation*>(chosen));
  CHECK(std::get<const Operation*>(chosen)->name == "B");

  CHECK(Errors(Workspace(), two) ==
        std::vector<std::string>{"Must provide operation name if query contains multiple operations."});
  CHECK(Errors(Workspace(), two, "C") == std::vector<std::string>{"Unknown operation named \"C\"."});
  CHECK(Errors(Workspace(), "{ listUsers { ok } }", "").empty());
}

TEST_CASE("validation errors carry the location of the offending field and the code") {
  auto parsed = std::get<Document>(ParseDocument("{\n  listUsers {\n    nope\n  }\n}"));
  auto result = Validate(Workspace(), parsed, "");
  REQUIRE(std::holds_alternative<std::vector<Error>>(result));
  const Error& e = std::get<std::vector<Error>>(result).at(0);
  CHECK(e.code == "GRAPHQL_VALIDATION_FAILED");
  REQUIRE(e.locations.size() == 1);
  CHECK(e.locations[0].line == 3);
  CHECK(e.locations[0].column == 5);
}

}  // namespace
}  // namespace idsync::sim::gql
