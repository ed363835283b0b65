// The GraphQL envelope over HttpClient: `{"query", "operationName", "variables"}` as a
// POST with Content-Type: application/json, and the answer `{"data"}` /
// `{"errors": [{"message", "path", "extensions": {"code"}}]}` read back. Documents are
// constants; values travel only in `variables` (STYLE).
//
// Thread-safety: GraphQLClient is immutable after construction; Execute and Data may
// be called from several threads when the HttpClient may.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_client.h"

namespace idsync {

struct GraphQLError {
  std::string message;
  std::string code;  // extensions.code, "" when absent
  std::string path;  // path elements joined with '.', "" when absent
};

struct GraphQLResult {
  int http_status = 0;
  nlohmann::json data;  // null when the answer had no data
  std::vector<GraphQLError> errors;
};

// UNAUTHENTICATED kUnauthenticated, FORBIDDEN kPermissionDenied, BAD_USER_INPUT /
// GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED kInvalidArgument,
// INTERNAL_SERVER_ERROR kUnavailable, RESOURCE_NOT_FOUND kNotFound, DUPLICATE_EMAIL /
// USER_ALREADY_INVITED kAlreadyExists; nullopt for any other code.
std::optional<StatusCode> MapGraphQLCode(std::string_view code);

// The request body. InvalidArgument when a variable is not valid UTF-8.
StatusOr<std::string> BuildGraphQLBody(std::string_view query, std::string_view operation_name,
                                       const nlohmann::json& variables);

// True when `response` carries a GraphQL error whose code is retryable by
// MapGraphQLCode (INTERNAL_SERVER_ERROR, houston.md's only retryable one), whatever
// its HTTP status. Execute puts it on every request as HttpRequest::transient, so the
// one retry loop retries such answers with its backoff and budget.
bool HasTransientGraphQLError(const HttpResponse& response);

// Reads an answer. A JSON object with `errors` becomes a result whatever the HTTP status
// (a 401 or 400 carries its reason there). Otherwise a non-2xx answer is AsStatus()'s
// failure; a body that is not a JSON object is a failure with the HTTP status and the
// first 200 bytes (an ingress's HTML 502: kUnavailable; on a 2xx: kInternal).
StatusOr<GraphQLResult> ParseGraphQLResponse(const HttpResponse& response,
                                             std::string_view what);

// ParseGraphQLResponse's failure for an answer of HTTP `status` whose body is not a
// JSON object, `head` being at least the body's first bytes that BodySnippet quotes.
Status NotAJsonObject(int status, std::string_view head, std::string_view what);

// OK when `result` has no errors. Otherwise a Status from the first error: its code by
// MapGraphQLCode, else by the HTTP status when that is not 2xx, else kFailedPrecondition;
// message "<what>: <message> (<CODE or HTTP n>)" plus " (and N more errors)".
Status ErrorsAsStatus(const GraphQLResult& result, std::string_view what);

class GraphQLClient {
 public:
  // REQUIRES: `http` outlives this client. `headers` go on every request (credentials),
  // after Content-Type and Accept.
  GraphQLClient(HttpClient& http, std::string url, HttpHeaders headers);

  // One POST, the answer unread: for a caller that reads a large answer its own way
  // (ParseGraphQLResponse reads it as Execute does), as it arrives when `reader` is set
  // (HttpRequest::reader). Transport failures are a Status prefixed `what`.
  StatusOr<HttpResponse> Post(std::string_view query, std::string_view operation_name,
                              const nlohmann::json& variables, std::string_view what,
                              BodyReader* reader = nullptr) const;

  // Post, then ParseGraphQLResponse. Transport failures and unreadable answers are a
  // Status prefixed `what`; GraphQL errors are in the result, for the caller to judge.
  StatusOr<GraphQLResult> Execute(std::string_view query, std::string_view operation_name,
                                  const nlohmann::json& variables, std::string_view what) const;

  // Execute, then: any GraphQL error is a failure (ErrorsAsStatus); an answer without
  // data is kInternal. Returns `data`.
  StatusOr<nlohmann::json> Data(std::string_view query, std::string_view operation_name,
                                const nlohmann::json& variables, std::string_view what) const;

 private:
  HttpClient& http_;
  const std::string url_;
  const HttpHeaders headers_;
};

}  // namespace idsync
