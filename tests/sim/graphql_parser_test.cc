// The GraphQL lexer and parser: the documents idsync's platforms document parse into
// the expected tree, and syntax errors say what and where.
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "sim/graphql/parser.h"

namespace idsync::sim::gql {
namespace {

Document MustParse(const std::string& text) {
  auto parsed = ParseDocument(text);
  if (auto* error = std::get_if<Error>(&parsed)) FAIL("parse failed: " << error->message);
  return std::get<Document>(std::move(parsed));
}

Error MustFail(const std::string& text) {
  auto parsed = ParseDocument(text);
  REQUIRE_MESSAGE(std::holds_alternative<Error>(parsed), "parsed: " << text);
  return std::get<Error>(parsed);
}

TEST_CASE("every document in workspace.md and houston.md parses") {
  const char* documents[] = {
      "query ListUsers { listUsers { ok activeUsers { uid email name accountType }\n"
      "  invitedUsers { email accountType inviteStatus } } }",
      "mutation InviteUser($email: String!, $accountType: UserAccountType!) {\n"
      "  inviteUser(email: $email, accountType: $accountType) { ok } }",
      "mutation UpdateUserAccountType($uid: String!, $accountType: UserAccountType!) {\n"
      "  updateUserAccountType(uid: $uid, accountType: $accountType) { ok } }",
      "mutation DisableUser($uid: String!) { disableUser(uid: $uid) { ok } }",
      "query Users($cursor: Uuid, $take: Int) { users(cursor: $cursor, take: $take) {\n"
      "  id username fullName status emails { address primary }\n"
      "  roleBindings { role workspace { id } deployment { id } } } }",
      "query Invites { invites { id email role workspace { id } } }",
      "mutation WorkspaceUpdateUserRole($workspaceUuid: Uuid!, $email: String!, $role: Role!) {\n"
      "  workspaceUpdateUserRole(workspaceUuid: $workspaceUuid, email: $email, role: $role) }",
      "mutation CreateSystemRoleBinding($userId: Uuid!, $role: Role!) {\n"
      "  createSystemRoleBinding(userId: $userId, role: $role) { id role } }",
  };
  for (const char* text : documents) {
    CAPTURE(text);
    Document doc = MustParse(text);
    REQUIRE(doc.operations.size() == 1);
    CHECK_FALSE(doc.operations[0].name.empty());
    CHECK_FALSE(doc.operations[0].selections.empty());
  }
}

TEST_CASE("a mutation's name, variables, arguments and selections are read") {
  Document doc = MustParse(
      "mutation InviteUser($email: String!, $types: [UserAccountType!] = [ADMIN, DEVELOPER]) {\n"
      "  invited: inviteUser(email: $email, accountType: ANALYST, note: \"hi\\n\", n: -4, f: 1.5e3,\n"
      "                      b: true, z: null, o: {a: [1, 2], s: \"\"\"  block\n    text\"\"\"}) { ok __typename } }");
  const Operation& op = doc.operations.at(0);
  CHECK(op.kind == Operation::Kind::kMutation);
  CHECK(op.name == "InviteUser");
  REQUIRE(op.variables.size() == 2);
  CHECK(op.variables[0].name == "email");
  CHECK(op.variables[0].type.ToString() == "String!");
  CHECK(op.variables[1].type.ToString() == "[UserAccountType!]");
  CHECK(op.variables[1].has_default);
  CHECK(op.variables[1].default_value.ToString() == "[ADMIN, DEVELOPER]");

  const Field& f = op.selections.at(0);
  CHECK(f.alias == "invited");
  CHECK(f.name == "inviteUser");
  CHECK(f.ResponseKey() == "invited");
  CHECK(f.location.line == 2);
  CHECK(f.location.column == 3);
  REQUIRE(f.arguments.size() == 8);
  CHECK(f.arguments[0].value.kind == Value::Kind::kVariable);
  CHECK(f.arguments[0].value.text == "email");
  CHECK(f.arguments[1].value.kind == Value::Kind::kEnum);
  CHECK(f.arguments[2].value.text == "hi\n");
  CHECK(f.arguments[3].value.kind == Value::Kind::kInt);
  CHECK(f.arguments[3].value.text == "-4");
  CHECK(f.arguments[4].value.kind == Value::Kind::kFloat);
  CHECK(f.arguments[5].value.boolean);
  CHECK(f.arguments[6].value.kind == Value::Kind::kNull);
  const Value& object = f.arguments[7].value;
  REQUIRE(object.kind == Value::Kind::kObject);
  CHECK(object.fields.at(0).second.ToString() == "[1, 2]");
  CHECK(object.fields.at(1).second.text == "  block\ntext");  // the first line keeps its indent
  REQUIRE(f.selections.size() == 2);
  CHECK(f.selections[1].name == "__typename");
}

TEST_CASE("the query shorthand, comments and commas are accepted") {
  Document doc = MustParse("# list everyone\n{ listUsers { ok, activeUsers { uid } } }");
  REQUIRE(doc.operations.size() == 1);
  CHECK(doc.operations[0].kind == Operation::Kind::kQuery);
  CHECK(doc.operations[0].name.empty());
}

TEST_CASE("several operations are kept in order") {
  Document doc = MustParse("query A { listUsers { ok } } mutation B { disableUser(uid: \"x\") { ok } }");
  REQUIRE(doc.operations.size() == 2);
  CHECK(doc.operations[0].name == "A");
  CHECK(doc.operations[1].name == "B");
}

TEST_CASE("syntax errors name what was found and where") {
  struct Case {
    const char* name;
    const char* text;
    const char* message;
    int line, column;
  };
  const Case cases[] = {
      {"unclosed selection set", "{ listUsers { ok ", "Syntax Error: Expected Name, found <EOF>.", 1, 18},
      {"missing colon in variable", "query Q($email String!) { a }", "Syntax Error: Expected \":\", found Name \"String\".", 1, 16},
      {"unexpected character", "{\n  listUsers { ok % } }", "Syntax Error: Unexpected character: \"%\".", 2, 18},
      {"unterminated string", "{ a(b: \"open) }", "Syntax Error: Unterminated string.", 1, 16},
      {"empty document", "  ", "Syntax Error: Unexpected <EOF>.", 1, 3},
      {"empty selection set", "{ a { } }", "Syntax Error: Expected Name, found \"}\".", 1, 7},
      {"variable in a default", "query Q($a: Int = $b) { a }", "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 19},
      {"unknown keyword", "sub { a }", "Syntax Error: Unexpected Name \"sub\".", 1, 1},
      {"bad number", "{ a(n: 01) }", "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1, 9},
      {"fragment spread", "{ a { ...F } }", "Syntax Error: Fragments are not supported by this server.", 1, 7},
      {"fragment definition", "fragment F on X { a }", "Syntax Error: Fragments are not supported by this server.", 1, 1},
      {"directive", "{ a @include(if: true) }", "Syntax Error: Directives are not supported by this server.", 1, 5},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Error e = MustFail(c.text);
    CHECK(e.message == c.message);
    REQUIRE(e.locations.size() == 1);
    CHECK(e.locations[0].line == c.line);
    CHECK(e.locations[0].column == c.column);
    CHECK(e.code == "GRAPHQL_PARSE_FAILED");
  }
}

}  // namespace
}  // namespace idsync::sim::gql
