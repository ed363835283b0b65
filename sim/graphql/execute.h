// Execution of a validated operation: variables coerced, root-field resolvers called
// with their coerced arguments, and each result projected through the selection set
// so the answer has exactly the shape asked for (aliases, only selected fields,
// __typename, null propagation for non-null fields).
//
// Thread-safety: Execute() is reentrant; resolvers are called on the calling thread,
// root mutation fields in document order. Resolvers guard their own state.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/graphql/ast.h"
#include "sim/graphql/schema.h"

namespace idsync::sim::gql {

// What a resolver returns: a value (shaped like the field's type, objects carrying at
// least the fields a client may select) and any errors. A value with errors is a
// partial success (`{ok: false}` plus a reason); a null value with errors a failure.
// The executor adds each error's path and location.
struct FieldResult {
  nlohmann::json value;
  std::vector<Error> errors;

  static FieldResult Ok(nlohmann::json value) { return {std::move(value), {}}; }
  static FieldResult Fail(std::string message, std::string code) {
    return {nullptr, {Error{std::move(message), {}, nullptr, std::move(code)}}};
  }
};

// Receives the field's arguments as a JSON object: coerced, defaults applied, absent
// optional arguments left out.
using Resolver = std::function<FieldResult(const nlohmann::json& arguments)>;

class Resolvers {
 public:
  // `root` is "Query" or "Mutation" (the schema's root type name).
  void Add(const std::string& root, const std::string& field, Resolver resolver);
  const Resolver* Find(const std::string& root, const std::string& field) const;

 private:
  std::map<std::pair<std::string, std::string>, Resolver> resolvers_;
};

// The operation's variables coerced from the request's `variables` object (defaults
// applied), or BAD_USER_INPUT errors such as
//   Variable "$accountType" got invalid value "BOSS"; Value "BOSS" does not exist in "UserAccountType" enum.
std::variant<nlohmann::json, std::vector<Error>> CoerceVariables(const Schema& schema, const Operation& operation,
                                                                 const nlohmann::json& inputs);

struct ExecutionResult {
  // Object in selection order, or null when a non-null root field failed.
  nlohmann::ordered_json data;
  std::vector<Error> errors;
};

// REQUIRES: `operation` passed Validate() against `schema`; `variables` came from
// CoerceVariables().
ExecutionResult Execute(const Schema& schema, const Resolvers& resolvers, const Operation& operation,
                        const nlohmann::json& variables);

}  // namespace idsync::sim::gql
