#include "connectors/http/http_client.h"

#include <doctest/doctest.h>

#include "core/url.h"

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
  CHECK(UrlForLog("http://[::1]:8080/v1?x") == "http://[::1]:8080/v1");
}

TEST_CASE("ParseHttpUrl returns the pieces, and says which hosts are loopback") {
  struct Row {
    const char* url;
    bool ok, https, loopback;
    const char* host;
  };
  const Row rows[] = {
      {"https://h.example/v1", true, true, false, "h.example"},
      {"http://127.0.0.1:8080/x", true, false, true, "127.0.0.1"},
      {"http://LOCALHOST/x", true, false, true, "LOCALHOST"},
      {"http://[::1]:9/x", true, false, true, "::1"},
      {"http://127.example.com/", true, false, false, "127.example.com"},
      {"http://user:pw@10.0.0.1/", true, false, false, "10.0.0.1"},
      {"ftp://h.example/", false, false, false, ""},
      {"https://", false, false, false, ""},
      {"https://[::1", false, false, false, ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.url);
    const std::optional<HttpUrl> url = ParseHttpUrl(row.url);
    REQUIRE(url.has_value() == row.ok);
    if (!url) continue;
    CHECK(url->https == row.https);
    CHECK(url->loopback == row.loopback);
    CHECK(url->host == row.host);
  }
}

TEST_CASE("PercentEncode keeps only RFC 3986's unreserved characters") {
  CHECK(PercentEncode("a-Z_0.9~") == "a-Z_0.9~");
  CHECK(PercentEncode("a b/c?d=e&f@g%") == "a%20b%2Fc%3Fd%3De%26f%40g%25");
  CHECK(PercentEncode("\xc3\xa9") == "%C3%A9");
}

}  // namespace
}  // namespace idsync
