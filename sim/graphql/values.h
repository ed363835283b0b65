// Input values against schema types: checking literals written in a document,
// coercing JSON variable values, and turning validated literals into JSON for
// resolvers. Messages follow graphql-js ("String cannot represent a non string
// value: 5", "Value \"FOO\" does not exist in \"Role\" enum.").
//
// Thread-safety: pure functions over an immutable Schema.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "sim/graphql/ast.h"
#include "sim/graphql/schema.h"

namespace idsync::sim::gql {

// Called for each $variable found inside a literal, with the type expected there.
using VariableVisitor = std::function<void(const Value& variable, const TypeRef& expected)>;

// Why `literal` is not a valid value of `type`, or nullopt. Variables inside the
// literal are not judged here; each is passed to `on_variable`.
std::optional<std::string> CheckLiteral(const Schema& schema, const Value& literal, const TypeRef& type,
                                        const VariableVisitor& on_variable);

// A JSON input value coerced to `type` (input-object defaults filled in), or why not.
std::variant<nlohmann::json, std::string> CoerceInput(const Schema& schema, const nlohmann::json& value,
                                                      const TypeRef& type);

// A literal that passed CheckLiteral as JSON, variables replaced by their values in
// `variables` (already coerced). nullopt when the literal is a variable that was not
// provided: the argument counts as absent.
std::optional<nlohmann::json> LiteralToJson(const Schema& schema, const Value& literal, const TypeRef& type,
                                            const nlohmann::json& variables);

// graphql-js's inspect(): how a JSON value is shown in messages ("abc" -> "\"abc\"").
std::string Inspect(const nlohmann::json& value);

}  // namespace idsync::sim::gql
