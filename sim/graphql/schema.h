// A GraphQL schema read from SDL: scalars, enums, object types, input objects, field
// arguments with defaults, descriptions and @deprecated. The built-in scalars
// (String, Int, Float, Boolean, ID) are always present; root types are `Query` and
// `Mutation` (or those named by a `schema { ... }` block).
//
// Not supported, reported as an error that says so: interfaces, unions, `extend`,
// directive definitions.
//
// Thread-safety: immutable after ParseSchema(); share freely between threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/graphql/ast.h"

namespace idsync::sim::gql {

struct InputValueDef {
  std::string name;
  TypeRef type;
  std::optional<Value> default_value;
  std::string description;
};

struct FieldDef {
  std::string name;
  std::vector<InputValueDef> arguments;
  TypeRef type;
  std::string description;
  std::optional<std::string> deprecation_reason;  // set when @deprecated

  const InputValueDef* FindArgument(std::string_view arg) const;
};

struct TypeDef {
  enum class Kind { kScalar, kEnum, kObject, kInputObject };
  Kind kind = Kind::kScalar;
  std::string name;
  std::string description;
  std::vector<FieldDef> fields;             // kObject
  std::vector<InputValueDef> input_fields;  // kInputObject
  std::vector<std::string> enum_values;     // kEnum, in declared order

  const FieldDef* FindField(std::string_view field) const;
  const InputValueDef* FindInputField(std::string_view field) const;
  bool HasEnumValue(std::string_view value) const;
  bool IsLeaf() const { return kind == Kind::kScalar || kind == Kind::kEnum; }
  bool IsInput() const { return kind != Kind::kObject; }
};

// Checks a custom scalar's input value; returns an error message ("invalid Uuid")
// or nullopt when the value is acceptable. Platforms install these.
using ScalarCheck = std::function<std::optional<std::string>(const nlohmann::json&)>;

class Schema {
 public:
  const TypeDef* Find(std::string_view name) const;
  const TypeDef* query_type() const { return Find(query_); }
  const TypeDef* mutation_type() const { return mutation_.empty() ? nullptr : Find(mutation_); }
  const std::map<std::string, TypeDef, std::less<>>& types() const { return types_; }

  // REQUIRES: called before the schema is shared between threads.
  void SetScalarCheck(const std::string& scalar, ScalarCheck check) { checks_[scalar] = std::move(check); }
  const ScalarCheck* FindScalarCheck(std::string_view scalar) const;

 private:
  friend class SdlParser;
  std::map<std::string, TypeDef, std::less<>> types_;
  std::map<std::string, ScalarCheck, std::less<>> checks_;
  std::string query_ = "Query";
  std::string mutation_ = "Mutation";
};

// The schema, or the first error: a syntax error with its location, or a semantic one
// ("Unknown type \"Foo\" referenced by field \"Query.bar\".").
std::variant<Schema, Error> ParseSchema(std::string_view sdl);

}  // namespace idsync::sim::gql
