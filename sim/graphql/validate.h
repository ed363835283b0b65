// Validation of an executable document against a schema, and the choice of the
// operation to run. The rules a real server applies to what idsync sends:
// known fields and arguments, required arguments, literal argument values, leaf
// selections, defined/used/unique variables of input types, and variable types
// compatible with where they are used. Messages follow graphql-js, e.g.
//   Cannot query field "foo" on type "ActiveUser".
//   Unknown argument "bar" on field "Mutation.inviteUser".
//
// Thread-safety: pure function over immutable inputs.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "sim/graphql/ast.h"
#include "sim/graphql/schema.h"

namespace idsync::sim::gql {

// The operation to execute, or every validation error found (code
// GRAPHQL_VALIDATION_FAILED; operation selection errors have code
// OPERATION_RESOLUTION_FAILURE). `operation_name` empty means none was given.
// REQUIRES: `document` outlives the returned pointer.
std::variant<const Operation*, std::vector<Error>> Validate(const Schema& schema, const Document& document,
                                                            const std::string& operation_name);

}  // namespace idsync::sim::gql
