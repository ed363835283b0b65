#include "connectors/http/graphql.h"

#include <doctest/doctest.h>

#include "fake_http.h"

namespace idsync {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::FakeHttpClient;

constexpr const char* kQuery = "query Q($id: String!) { thing(id: $id) { name } }";

TEST_CASE("the envelope is a JSON POST with query, operationName and variables") {
  FakeHttpClient fake;
  fake.Push(Answer(200, R"({"data":{"thing":{"name":"x"}}})"));
  GraphQLClient client(fake, "https://h.example/graphql", {{"Authorization", "k"}});
  StatusOr<json> data = client.Data(kQuery, "Q", {{"id", "a\"b"}}, "get thing");
  REQUIRE(data.ok());
  CHECK((*data)["thing"]["name"] == "x");
  REQUIRE(fake.requests().size() == 1);
  const HttpRequest sent = fake.requests()[0];
  CHECK(sent.method == "POST");
  CHECK(sent.url == "https://h.example/graphql");
  CHECK(sent.headers == HttpHeaders{{"Content-Type", "application/json"},
                                    {"Accept", "application/json"},
                                    {"Authorization", "k"}});
  CHECK(json::parse(sent.body) ==
        json{{"query", kQuery}, {"operationName", "Q"}, {"variables", {{"id", "a\"b"}}}});
}

TEST_CASE("null variables are sent as an empty object") {
  StatusOr<std::string> body = BuildGraphQLBody("query Q { x }", "Q", nullptr);
  REQUIRE(body.ok());
  CHECK(json::parse(*body)["variables"] == json::object());
}

TEST_CASE("variables that are not UTF-8 are refused before sending") {
  StatusOr<std::string> body = BuildGraphQLBody("query Q { x }", "Q", {{"email", "\xff\xfe"}});
  CHECK(body.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("GraphQL error codes map to status codes") {
  struct Row {
    const char* code;
    int http;
    StatusCode expected;
  };
  const Row rows[] = {
      {"UNAUTHENTICATED", 200, StatusCode::kUnauthenticated},
      {"FORBIDDEN", 200, StatusCode::kPermissionDenied},
      {"BAD_USER_INPUT", 400, StatusCode::kInvalidArgument},
      {"GRAPHQL_VALIDATION_FAILED", 400, StatusCode::kInvalidArgument},
      {"GRAPHQL_PARSE_FAILED", 400, StatusCode::kInvalidArgument},
      {"INTERNAL_SERVER_ERROR", 200, StatusCode::kUnavailable},
      {"RESOURCE_NOT_FOUND", 200, StatusCode::kNotFound},
      {"DUPLICATE_EMAIL", 200, StatusCode::kAlreadyExists},
      {"USER_ALREADY_INVITED", 200, StatusCode::kAlreadyExists},
      {"SOMETHING_NEW", 200, StatusCode::kFailedPrecondition},
      {"", 401, StatusCode::kUnauthenticated},  // no code: the HTTP status decides
      {"", 200, StatusCode::kFailedPrecondition},
  };
  for (const Row& row : rows) {
    CAPTURE(row.code);
    CAPTURE(row.http);
    json error = {{"message", "it failed"}, {"path", {"inviteUser", 0}}};
    if (*row.code != '\0') error["extensions"] = {{"code", row.code}};
    StatusOr<GraphQLResult> result =
        ParseGraphQLResponse(Answer(row.http, json{{"errors", {error}}}.dump()), "invite a@b.c");
    REQUIRE(result.ok());
    REQUIRE(result->errors.size() == 1);
    CHECK(result->errors[0].code == row.code);
    CHECK(result->errors[0].path == "inviteUser.0");
    const Status status = ErrorsAsStatus(*result, "invite a@b.c");
    CHECK(status.code() == row.expected);
    const std::string label =
        *row.code != '\0' ? std::string(row.code) : "HTTP " + std::to_string(row.http);
    CHECK(status.message() == "invite a@b.c: it failed (" + label + ")");
  }
}

TEST_CASE("data and errors together are both kept, and further errors are counted") {
  StatusOr<GraphQLResult> result = ParseGraphQLResponse(
      Answer(200, R"({"data":{"inviteUser":null},"errors":[
        {"message":"A user with this email already exists","path":["inviteUser"],
         "extensions":{"code":"DUPLICATE_EMAIL"}},
        {"message":"second"}]})"),
      "invite");
  REQUIRE(result.ok());
  CHECK(result->data == json{{"inviteUser", nullptr}});
  REQUIRE(result->errors.size() == 2);
  CHECK(result->errors[1].message == "second");
  CHECK(result->errors[1].code.empty());
  CHECK(ErrorsAsStatus(*result, "invite").message() ==
        "invite: A user with this email already exists (DUPLICATE_EMAIL) (and 1 more errors)");
}

TEST_CASE("a body that is not JSON fails with the status and the start of the body") {
  const std::string html = "<html><head><title>502 Bad Gateway</title></head>" + std::string(400, '.');
  StatusOr<GraphQLResult> bad_gateway = ParseGraphQLResponse(Answer(502, html), "list users");
  CHECK(bad_gateway.status().code() == StatusCode::kUnavailable);
  CHECK(bad_gateway.status().message().starts_with(
      "list users: HTTP 502, answer is not a JSON object: <html><head><title>502 Bad Gateway"));
  CHECK(bad_gateway.status().message().size() < 300);

  StatusOr<GraphQLResult> garbage = ParseGraphQLResponse(Answer(200, "OK"), "list users");
  CHECK(garbage.status().code() == StatusCode::kInternal);
  CHECK(garbage.status().message() == "list users: HTTP 200, answer is not a JSON object: OK");

  StatusOr<GraphQLResult> empty = ParseGraphQLResponse(Answer(503, ""), "list users");
  CHECK(empty.status().message() == "list users: HTTP 503, answer is not a JSON object: (empty body)");
}

TEST_CASE("a JSON error answer without GraphQL errors fails by its HTTP status") {
  StatusOr<GraphQLResult> result =
      ParseGraphQLResponse(Answer(429, R"({"message":"rate limited"})"), "list users");
  CHECK(result.status().code() == StatusCode::kResourceExhausted);
  CHECK(result.status().message() == R"(list users: HTTP 429: {"message":"rate limited"})");
}

TEST_CASE("Data fails on GraphQL errors, on missing data and on transport failures") {
  FakeHttpClient fake;
  fake.Push(Answer(200, R"({"data":null,"errors":[{"message":"forbidden"}]})"));
  fake.Push(Answer(200, R"({})"));
  fake.Push(Status(StatusCode::kDeadlineExceeded, "POST https://h.example/graphql: timed out"));
  GraphQLClient client(fake, "https://h.example/graphql", {});
  CHECK(client.Data(kQuery, "Q", {}, "q").status().message() == "q: forbidden (HTTP 200)");
  CHECK(client.Data(kQuery, "Q", {}, "q").status() == Internal("q: answer has no data"));
  const Status timeout = client.Data(kQuery, "Q", {}, "q").status();
  CHECK(timeout.code() == StatusCode::kDeadlineExceeded);
  CHECK(timeout.message() == "q: POST https://h.example/graphql: timed out");
}

}  // namespace
}  // namespace idsync
