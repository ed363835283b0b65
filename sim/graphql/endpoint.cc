#include "sim/graphql/endpoint.h"

#include <string>
#include <variant>

#include "sim/graphql/parser.h"
#include "sim/graphql/validate.h"

namespace idsync::sim::gql {

nlohmann::ordered_json ErrorsJson(const std::vector<Error>& errors) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Error& e : errors) list.push_back(ErrorToJson(e));
  return {{"errors", std::move(list)}};
}

HttpAnswer DefaultErrorShape(Phase phase, const std::vector<Error>& errors, const nlohmann::ordered_json& data) {
  if (phase != Phase::kExecution) return {400, ErrorsJson(errors)};
  nlohmann::ordered_json body = ErrorsJson(errors);
  body["data"] = data;
  return {200, std::move(body)};
}

HttpAnswer Endpoint::Handle(std::string_view body) const {
  auto fail = [&](Phase phase, std::vector<Error> errors) { return shaper_(phase, errors, nullptr); };
  auto bad_request = [&](std::string message) {
    return fail(Phase::kRequest, {Error{std::move(message), {}, nullptr, "BAD_REQUEST"}});
  };

  nlohmann::json request = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || !request.is_object()) return bad_request("POST body must be a JSON object.");
  if (!request.contains("query") || !request["query"].is_string() || request["query"].get<std::string>().empty()) {
    return bad_request("GraphQL operations must contain a non-empty `query`.");
  }
  std::string operation_name;
  if (request.contains("operationName") && !request["operationName"].is_null()) {
    if (!request["operationName"].is_string()) return bad_request("`operationName` in a POST body must be a string.");
    operation_name = request["operationName"].get<std::string>();
  }
  nlohmann::json inputs = nlohmann::json::object();
  if (request.contains("variables") && !request["variables"].is_null()) {
    if (!request["variables"].is_object()) return bad_request("`variables` in a POST body must be an object.");
    inputs = request["variables"];
  }

  auto parsed = ParseDocument(request["query"].get<std::string>());
  if (auto* error = std::get_if<Error>(&parsed)) return fail(Phase::kParse, {*error});
  const Document& document = std::get<Document>(parsed);

  auto validated = Validate(*schema_, document, operation_name);
  if (auto* errors = std::get_if<std::vector<Error>>(&validated)) return fail(Phase::kValidation, *errors);
  const Operation& operation = *std::get<const Operation*>(validated);

  auto variables = CoerceVariables(*schema_, operation, inputs);
  if (auto* errors = std::get_if<std::vector<Error>>(&variables)) return fail(Phase::kVariables, *errors);

  ExecutionResult result = Execute(*schema_, resolvers_, operation, std::get<nlohmann::json>(variables));
  if (!result.errors.empty()) return shaper_(Phase::kExecution, result.errors, result.data);
  return {200, nlohmann::ordered_json{{"data", std::move(result.data)}}};
}

}  // namespace idsync::sim::gql
