// Parses GraphQL executable documents: operations (query, mutation, subscription;
// named or anonymous, including the `{ ... }` shorthand) with variable definitions and
// defaults, fields with aliases, arguments and nested selection sets.
//
// Not supported, reported as a syntax error that says so: fragments (`fragment`,
// `...`) and directives (`@include`, `@skip`).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <variant>

#include "sim/graphql/ast.h"

namespace idsync::sim::gql {

// The document, or the first syntax error ("Syntax Error: Expected Name, found
// <EOF>.", with its line and column; code GRAPHQL_PARSE_FAILED).
std::variant<Document, Error> ParseDocument(std::string_view source);

}  // namespace idsync::sim::gql
