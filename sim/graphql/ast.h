// The syntax tree of GraphQL documents: executable documents (operations) and the
// literal values and type references they share with SDL.
//
// Thread-safety: plain values.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace idsync::sim::gql {

struct Location {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// One GraphQL error as a server reports it. `path` is a JSON array (or null) and
// `code` goes to extensions.code when not empty.
struct Error {
  std::string message;
  std::vector<Location> locations;
  nlohmann::json path;  // null, or ["field", 0, "sub"]
  std::string code;
};

// "message", "locations", "path", "extensions": {"code"}: only the members that are
// set, in that order.
nlohmann::ordered_json ErrorToJson(const Error& error);

// A type reference: `String`, `[X!]`, `UserAccountType!`.
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  std::string name;                     // kNamed only
  std::shared_ptr<const TypeRef> of;    // kList, kNonNull

  static TypeRef Named(std::string name);
  static TypeRef ListOf(TypeRef inner);
  static TypeRef NonNull(TypeRef inner);

  bool non_null() const { return kind == Kind::kNonNull; }
  // The named type at the bottom: "String" for "[String!]!".
  const std::string& NamedType() const;
  std::string ToString() const;  // as written in GraphQL: "[String!]!"
};

struct ObjectField;

// A literal value (or a $variable reference) as written in a document.
struct Value {
  enum class Kind { kVariable, kInt, kFloat, kString, kBoolean, kNull, kEnum, kList, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // variable name, number text, string contents, enum name
  bool boolean = false;
  std::vector<Value> list;
  std::vector<ObjectField> fields;  // kObject, in written order
  Location location;

  // GraphQL source form, as used in error messages: "FOO", "\"a\"", "[1, 2]", "$x".
  std::string ToString() const;
};

// One `name: value` of an object literal.
struct ObjectField {
  std::string first;  // the field name
  Value second;
};

struct Argument {
  std::string name;
  Value value;
  Location location;
};

struct Field {
  std::string alias;  // empty when none; ResponseKey() is what the answer uses
  std::string name;
  std::vector<Argument> arguments;
  bool has_selection_set = false;
  std::vector<Field> selections;
  Location location;

  const std::string& ResponseKey() const { return alias.empty() ? name : alias; }
};

struct VariableDefinition {
  std::string name;  // without '$'
  TypeRef type;
  bool has_default = false;
  Value default_value;
  Location location;
};

struct Operation {
  enum class Kind { kQuery, kMutation, kSubscription };
  Kind kind = Kind::kQuery;
  std::string name;  // empty when anonymous
  std::vector<VariableDefinition> variables;
  std::vector<Field> selections;
  Location location;
};

const char* OperationKindName(Operation::Kind kind);  // "query", "mutation", ...

struct Document {
  std::vector<Operation> operations;
};

}  // namespace idsync::sim::gql
