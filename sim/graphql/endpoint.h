// One GraphQL endpoint: an HTTP request body in, an HTTP status and JSON body out.
// Body parsing, document parsing, validation, variable coercion and execution in
// that order; what each failure looks like on the wire is the platform's choice,
// made by an ErrorShaper (workspace and houston answer 400 for a bad document,
// orgadmin 200).
//
// Thread-safety: Handle() is reentrant; the resolvers guard their own state.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/graphql/ast.h"
#include "sim/graphql/execute.h"
#include "sim/graphql/schema.h"

namespace idsync::sim::gql {

// Where a request failed.
enum class Phase {
  kRequest,     // the body is not {"query": "...", "operationName"?, "variables"?}
  kParse,       // GRAPHQL_PARSE_FAILED
  kValidation,  // GRAPHQL_VALIDATION_FAILED, OPERATION_RESOLUTION_FAILURE
  kVariables,   // BAD_USER_INPUT
  kExecution,   // resolver errors; `data` is set
};

struct HttpAnswer {
  int status = 200;
  nlohmann::ordered_json body;  // members in the order a client would read them
};

// Builds the answer for a request with errors. `data` is null except in kExecution.
using ErrorShaper =
    std::function<HttpAnswer(Phase phase, const std::vector<Error>& errors, const nlohmann::ordered_json& data)>;

// Apollo-style: before execution HTTP 400 `{"errors": [...]}` (no data); execution
// errors HTTP 200 `{"data": ..., "errors": [...]}`.
HttpAnswer DefaultErrorShape(Phase phase, const std::vector<Error>& errors, const nlohmann::ordered_json& data);

// `{"errors": [...]}` with each error through ErrorToJson().
nlohmann::ordered_json ErrorsJson(const std::vector<Error>& errors);

class Endpoint {
 public:
  // REQUIRES: `schema` outlives the endpoint.
  Endpoint(const Schema* schema, Resolvers resolvers, ErrorShaper shaper = DefaultErrorShape)
      : schema_(schema), resolvers_(std::move(resolvers)), shaper_(std::move(shaper)) {}

  HttpAnswer Handle(std::string_view body) const;

 private:
  const Schema* schema_;
  Resolvers resolvers_;
  ErrorShaper shaper_;
};

}  // namespace idsync::sim::gql
