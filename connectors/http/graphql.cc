#include "connectors/http/graphql.h"

#include <algorithm>
#include <utility>

namespace idsync {
namespace {

using nlohmann::json;

std::string StringField(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string JoinPath(const json& path) {
  if (!path.is_array()) return "";
  std::string out;
  for (const json& element : path) {
    if (!out.empty()) out += '.';
    if (element.is_string()) {
      out += element.get<std::string>();
    } else if (element.is_number_integer()) {
      out += std::to_string(element.get<long long>());
    }
  }
  return out;
}

GraphQLError ReadError(const json& e) {
  GraphQLError error;
  error.message = StringField(e, "message");
  if (error.message.empty()) error.message = "(no message)";
  if (e.is_object()) {
    if (const auto it = e.find("extensions"); it != e.end()) error.code = StringField(*it, "code");
    if (const auto it = e.find("path"); it != e.end()) error.path = JoinPath(*it);
  }
  return error;
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

}  // namespace

std::optional<StatusCode> MapGraphQLCode(std::string_view code) {
  static const std::pair<std::string_view, StatusCode> kTable[] = {
      {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
      {"FORBIDDEN", StatusCode::kPermissionDenied},
      {"BAD_USER_INPUT", StatusCode::kInvalidArgument},
      {"GRAPHQL_VALIDATION_FAILED", StatusCode::kInvalidArgument},
      {"GRAPHQL_PARSE_FAILED", StatusCode::kInvalidArgument},
      {"INTERNAL_SERVER_ERROR", StatusCode::kUnavailable},
      {"RESOURCE_NOT_FOUND", StatusCode::kNotFound},
      {"DUPLICATE_EMAIL", StatusCode::kAlreadyExists},
      {"USER_ALREADY_INVITED", StatusCode::kAlreadyExists},
  };
  for (const auto& [name, status] : kTable) {
    if (name == code) return status;
  }
  return std::nullopt;
}

bool HasTransientGraphQLError(const HttpResponse& response) {
  // Most answers carry no error at all, and a listing can be megabytes: look first.
  if (response.body.find("\"errors\"") == std::string::npos) return false;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return false;
  const auto errors = body.find("errors");
  if (errors == body.end() || !errors->is_array()) return false;
  return std::any_of(errors->begin(), errors->end(), [](const json& e) {
    const std::optional<StatusCode> code = MapGraphQLCode(ReadError(e).code);
    return code && Status(*code, "").retryable();
  });
}

StatusOr<std::string> BuildGraphQLBody(std::string_view query, std::string_view operation_name,
                                       const nlohmann::json& variables) {
  json envelope = {{"query", std::string(query)},
                   {"operationName", std::string(operation_name)},
                   {"variables", variables.is_null() ? json::object() : variables}};
  try {
    return envelope.dump();
  } catch (const json::exception& e) {
    return InvalidArgument(std::string(operation_name) + ": variables cannot be sent: " + e.what());
  }
}

StatusOr<GraphQLResult> ParseGraphQLResponse(const HttpResponse& response, std::string_view what) {
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return NotAJsonObject(response.status, response.body, what);
  GraphQLResult result;
  result.http_status = response.status;
  if (const auto it = body.find("errors"); it != body.end() && it->is_array()) {
    for (const json& e : *it) result.errors.push_back(ReadError(e));
  }
  if (result.errors.empty() && !Is2xx(response.status)) return AsStatus(response, what);
  // Moved, not copied: copying a json value recurses once per nesting level, so a
  // hostile answer nested 100k deep overflowed the stack here (fuzz/README.md).
  if (const auto it = body.find("data"); it != body.end()) result.data = std::move(*it);
  return result;
}

Status NotAJsonObject(int status, std::string_view head, std::string_view what) {
  const std::string snippet = BodySnippet(head);
  const std::string message = std::string(what) + ": HTTP " + std::to_string(status) +
                              ", answer is not a JSON object: " +
                              (snippet.empty() ? "(empty body)" : snippet);
  if (Is2xx(status)) return Internal(message);
  return Status(MapHttpCodeToStatus(status), message);
}

Status ErrorsAsStatus(const GraphQLResult& result, std::string_view what) {
  if (result.errors.empty()) return OkStatus();
  const GraphQLError& first = result.errors.front();
  StatusCode code = StatusCode::kFailedPrecondition;
  std::string label = first.code;
  if (auto mapped = MapGraphQLCode(first.code)) {
    code = *mapped;
  } else if (!Is2xx(result.http_status)) {
    code = MapHttpCodeToStatus(result.http_status);
  }
  if (label.empty()) label = "HTTP " + std::to_string(result.http_status);
  std::string message = std::string(what) + ": " + first.message + " (" + label + ")";
  if (result.errors.size() > 1) {
    message += " (and " + std::to_string(result.errors.size() - 1) + " more errors)";
  }
  return Status(code, std::move(message));
}

GraphQLClient::GraphQLClient(HttpClient& http, std::string url, HttpHeaders headers)
    : http_(http), url_(std::move(url)), headers_(std::move(headers)) {}

StatusOr<HttpResponse> GraphQLClient::Post(std::string_view query, std::string_view operation_name,
                                           const nlohmann::json& variables, std::string_view what,
                                           BodyReader* reader) const {
  StatusOr<std::string> body = BuildGraphQLBody(query, operation_name, variables);
  if (!body.ok()) return body.status().WithContext(std::string(what));
  HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.headers.insert(request.headers.end(), headers_.begin(), headers_.end());
  request.body = std::move(body).value();
  request.transient = HasTransientGraphQLError;
  request.reader = reader;
  StatusOr<HttpResponse> response = http_.Send(request);
  if (!response.ok()) return response.status().WithContext(std::string(what));
  return response;
}

StatusOr<GraphQLResult> GraphQLClient::Execute(std::string_view query,
                                               std::string_view operation_name,
                                               const nlohmann::json& variables,
                                               std::string_view what) const {
  StatusOr<HttpResponse> response = Post(query, operation_name, variables, what);
  if (!response.ok()) return response.status();
  return ParseGraphQLResponse(*response, what);
}

StatusOr<nlohmann::json> GraphQLClient::Data(std::string_view query,
                                             std::string_view operation_name,
                                             const nlohmann::json& variables,
                                             std::string_view what) const {
  StatusOr<GraphQLResult> result = Execute(query, operation_name, variables, what);
  if (!result.ok()) return result.status();
  if (Status errors = ErrorsAsStatus(*result, what); !errors.ok()) return errors;
  if (result->data.is_null()) return Internal(std::string(what) + ": answer has no data");
  return std::move(result->data);
}

}  // namespace idsync
