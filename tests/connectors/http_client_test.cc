#include "connectors/http/http_client.h"

#include <doctest/doctest.h>

#include "connectors/http/url.h"

namespace idsync {
namespace {

TEST_CASE("each HTTP status maps to one status code") {
  struct Row {
    int http;
    StatusCode code;
  };
  const Row rows[] = {
      {200, StatusCode::kOk},
      {201, StatusCode::kOk},
      {204, StatusCode::kOk},
      {301, StatusCode::kFailedPrecondition},
      {400, StatusCode::kInvalidArgument},
      {401, StatusCode::kUnauthenticated},
      {403, StatusCode::kPermissionDenied},
      {404, StatusCode::kNotFound},
      {405, StatusCode::kFailedPrecondition},
      {409, StatusCode::kAlreadyExists},
      {412, StatusCode::kFailedPrecondition},
      {422, StatusCode::kInvalidArgument},
      {429, StatusCode::kResourceExhausted},
      {500, StatusCode::kUnavailable},
      {502, StatusCode::kUnavailable},
      {503, StatusCode::kUnavailable},
      {504, StatusCode::kUnavailable},
  };
  for (const Row& row : rows) {
    CAPTURE(row.http);
    HttpResponse response;
    response.status = row.http;
    response.body = "because";
    const Status status = AsStatus(response, "astra: list users");
    CHECK(status.code() == row.code);
    if (row.code != StatusCode::kOk) {
      CHECK(status.message() == "astra: list users: HTTP " + std::to_string(row.http) + ": because");
    }
  }
}

TEST_CASE("an error without a body says only the status") {
  HttpResponse response;
  response.status = 404;
  CHECK(AsStatus(response, "get user").message() == "get user: HTTP 404");
}

TEST_CASE("body snippets fold whitespace and stop at 200 bytes") {
  CHECK(BodySnippet("<html>\n  <head>\t<title>502</title>") == "<html> <head> <title>502</title>");
  CHECK(BodySnippet(std::string(500, 'x')).size() == 200);
  CHECK(BodySnippet("  \n ") == "");
}

TEST_CASE("body snippets never end in half a UTF-8 character") {
  const std::string body = std::string(199, 'a') + "\xC3\xA9" + "tail";  // é across the cut
  CHECK(BodySnippet(body) == std::string(199, 'a'));
}

TEST_CASE("secrets are scrubbed from failure messages, every occurrence") {
  CHECK(ScrubSecrets(Unavailable("key1 and key1 and sec2"), {"key1", "sec2", ""}) ==
        Unavailable("(redacted) and (redacted) and (redacted)"));
  CHECK(ScrubSecrets(OkStatus(), {"key1"}).ok());
}

TEST_CASE("a secret never eats into the redaction of another; one too short to tell from words is left") {
  CHECK(ScrubSecrets(Unauthenticated("key sk-long and dact"), {"sk-long", "dact"}) ==
        Unauthenticated("key (redacted) and (redacted)"));
  CHECK(ScrubSecrets(Unavailable("abcdabcd"), {"abcd", "abcdabcd"}) == Unavailable("(redacted)"));
  // A one-letter "secret" would garble every message; no real credential is that short.
  CHECK(ScrubSecrets(Unavailable("could not resolve host: ws.example.com"), {"e", "d"}) ==
        Unavailable("could not resolve host: ws.example.com"));
}

TEST_CASE("header lookup ignores case and returns the first") {
  HttpResponse response;
  response.headers = {{"Retry-After", "3"}, {"retry-after", "9"}};
  CHECK(response.Header("RETRY-AFTER") == "3");
  CHECK_FALSE(response.Header("Location").has_value());
}

TEST_CASE("URLs in logs lose user info and query") {
  CHECK(UrlForLog("https://user:pw@h.example:8443/v1/x?token=abc#frag") ==
        "https://h.example:8443/v1/x");
  CHECK(UrlHost("https://h.example:8443/v1") == "h.example");
  CHECK(UrlForLog("not a url") == "(unparseable URL)");
}

}  // namespace
}  // namespace idsync
