// SDL parsing: the four platform schemas parse, which is what lets the simulator serve
// each platform from its published .graphql file.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "sim/graphql/schema.h"
#include "sim/workspace/workspace_schema.h"

namespace idsync::sim::gql {
namespace {

std::string ReadShared(const std::string& name) {
  std::ifstream in(std::string(IDSYNC_SHARED_DIR) + "/platforms/" + name);
  REQUIRE_MESSAGE(in.good(), "cannot read platforms/" << name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Schema MustParse(const std::string& sdl) {
  auto parsed = ParseSchema(sdl);
  if (auto* error = std::get_if<Error>(&parsed)) FAIL("schema error: " << error->message);
  return std::get<Schema>(std::move(parsed));
}

TEST_CASE("every platform schema file parses") {
  for (const char* file : {"workspace.graphql", "houston.graphql", "orgadmin.graphql"}) {
    CAPTURE(file);
    Schema schema = MustParse(ReadShared(file));
    REQUIRE(schema.query_type() != nullptr);
    REQUIRE(schema.mutation_type() != nullptr);
    CHECK_FALSE(schema.query_type()->fields.empty());
  }
}

TEST_CASE("the embedded workspace schema is the published one") {
  CHECK(std::string(kWorkspaceSchema) == ReadShared("workspace.graphql"));
}

TEST_CASE("workspace schema: enum order, field types and arguments") {
  Schema schema = MustParse(ReadShared("workspace.graphql"));
  const TypeDef* types = schema.Find("UserAccountType");
  REQUIRE(types != nullptr);
  CHECK(types->kind == TypeDef::Kind::kEnum);
  REQUIRE(types->enum_values.size() == 9);
  CHECK(types->enum_values.front() == "ADMIN");
  CHECK(types->enum_values.back() == "SANDBOX_USER");
  CHECK(types->description == "Privilege order, highest first: the order of the values.");

  const FieldDef* invite = schema.mutation_type()->FindField("inviteUser");
  REQUIRE(invite != nullptr);
  CHECK(invite->type.ToString() == "OkResult!");
  REQUIRE(invite->arguments.size() == 2);
  CHECK(invite->arguments[1].type.ToString() == "UserAccountType!");
  CHECK(schema.Find("ListUsersResult")->FindField("activeUsers")->type.ToString() == "[ActiveUser!]!");
  CHECK(schema.Find("ActiveUser")->FindField("uid")->description == "64-character lowercase hex.");
}

TEST_CASE("houston schema: input types, custom scalars and argument defaults") {
  Schema schema = MustParse(ReadShared("houston.graphql"));
  CHECK(schema.Find("Uuid")->kind == TypeDef::Kind::kScalar);
  CHECK(schema.Find("UserSearch")->kind == TypeDef::Kind::kInputObject);
  const FieldDef* add = schema.mutation_type()->FindField("workspaceAddUser");
  REQUIRE(add != nullptr);
  const InputValueDef* role = add->FindArgument("role");
  REQUIRE(role != nullptr);
  REQUIRE(role->default_value.has_value());
  CHECK(role->default_value->ToString() == "WORKSPACE_VIEWER");
}

TEST_CASE("orgadmin schema: @deprecated with its reason") {
  Schema schema = MustParse(ReadShared("orgadmin.graphql"));
  const FieldDef* alias = schema.mutation_type()->FindField("addUserToOrg");
  REQUIRE(alias != nullptr);
  CHECK(alias->deprecation_reason == "Alias of addOrgMember.");
  CHECK_FALSE(schema.mutation_type()->FindField("addOrgMember")->deprecation_reason.has_value());
}

TEST_CASE("block-string descriptions are dedented") {
  Schema schema = MustParse("\"\"\"\n    Root.\n      Indented.\n\"\"\"\ntype Query { a: String }");
  CHECK(schema.query_type()->description == "Root.\n  Indented.");
}

TEST_CASE("schema errors are reported") {
  struct Case {
    const char* name;
    const char* sdl;
    const char* message;
  };
  const Case cases[] = {
      {"unknown type", "type Query { a: Foo }", "Unknown type \"Foo\" referenced by field \"Query.a\"."},
      {"duplicate type", "type Query { a: Int } type Query { b: Int }", "There can be only one type named \"Query\"."},
      {"no query root", "type Mutation { a: Int }", "Query root type must be provided."},
      {"object as argument", "type X { a: Int } type Query { a(x: X): Int }",
       "The type of argument \"Query.a(x:)\" must be Input Type but got: X."},
      {"interfaces", "interface Node { id: ID }", "Syntax Error: \"interface\" definitions are not supported by this schema parser."},
      {"syntax", "type Query { a: }", "Syntax Error: Expected Name, found \"}\"."},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto parsed = ParseSchema(c.sdl);
    REQUIRE(std::holds_alternative<Error>(parsed));
    CHECK(std::get<Error>(parsed).message == c.message);
  }
}

}  // namespace
}  // namespace idsync::sim::gql
