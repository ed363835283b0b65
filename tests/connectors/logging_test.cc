#include "connectors/http/logging.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "fake_http.h"

namespace idsync {
namespace {

using testing::Answer;
using testing::FakeHttpClient;

struct Captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;
  explicit Captured(spdlog::level::level_enum level = spdlog::level::trace) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("http-test", sink);
    logger->set_level(level);
  }
};

HttpRequest WithSecrets() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://h.example/graphql?token=query-secret";
  r.headers = {{"Content-Type", "application/json"},
               {"x-api-key", "key-s3cr3t"},
               {"X-API-SECRET", "secret-s3cr3t"},
               {"Authorization", "Bearer token-s3cr3t"},
               {"Cookie", "session=cookie-s3cr3t"}};
  r.body = R"({"variables":{"password":"body-s3cr3t"}})";
  return r;
}

TEST_CASE("credential headers, query and body never reach the log") {
  Captured log;
  FakeHttpClient fake;
  fake.Push(Answer(200, R"({"echo":"body-s3cr3t"})"));
  fake.Push(Unavailable("POST https://h.example/graphql: Connection refused"));
  LoggingHttpClient client(fake, "ws", log.logger);
  CHECK(client.Send(WithSecrets()).ok());
  CHECK_FALSE(client.Send(WithSecrets()).ok());
  log.logger->flush();
  const std::string text = log.out.str();
  CAPTURE(text);
  for (const char* secret : {"key-s3cr3t", "secret-s3cr3t", "token-s3cr3t", "cookie-s3cr3t",
                             "body-s3cr3t", "query-secret"}) {
    CHECK(text.find(secret) == std::string::npos);
  }
  CHECK(text.find("ws: POST https://h.example/graphql -> 200 in") != std::string::npos);
  CHECK(text.find("x-api-key: (redacted)") != std::string::npos);
  CHECK(text.find("Content-Type: application/json") != std::string::npos);
  CHECK(text.find("Connection refused") != std::string::npos);
  // Both requests forwarded unchanged: the inner client still sees the credentials.
  REQUIRE(fake.requests().size() == 2);
  CHECK(fake.requests()[0].headers[1].second == "key-s3cr3t");
}

TEST_CASE("an answer echoing the request's credentials reaches the caller without them") {
  FakeHttpClient fake;
  fake.Push(Answer(500, "you sent: x-api-key: key-s3cr3t, X-API-SECRET: secret-s3cr3t, "
                        "Authorization: Bearer token-s3cr3t; the token token-s3cr3t again"));
  LoggingHttpClient client(fake, "ws");
  StatusOr<HttpResponse> answer = client.Send(WithSecrets());
  REQUIRE(answer.ok());
  CHECK(answer->body ==
        "you sent: x-api-key: (redacted), X-API-SECRET: (redacted), Authorization: (redacted); "
        "the token (redacted) again");
  // So an error message that quotes only the start of the body cannot cut a credential.
  CHECK(AsStatus(*answer, "ws").message().find("s3cr3t") == std::string::npos);
}

TEST_CASE("nothing is logged above debug level, but requests are still counted") {
  Captured log(spdlog::level::info);
  FakeHttpClient fake;
  fake.Push(Answer(200, ""));
  fake.Push(Answer(429, ""));
  fake.Push(Answer(200, ""));
  fake.Push(Unavailable("reset"));
  LoggingHttpClient client(fake, "ws", log.logger);
  for (int i = 0; i < 4; ++i) (void)client.Send(WithSecrets());
  log.logger->flush();
  CHECK(log.out.str().empty());
  CHECK(client.counters().Count(200) == 2);
  CHECK(client.counters().Count(429) == 1);
  CHECK(client.counters().Count(0) == 1);
  CHECK(client.counters().Snapshot() == std::map<int, std::uint64_t>{{0, 1}, {200, 2}, {429, 1}});
}

TEST_CASE("credential header names are recognised whatever their case") {
  for (const char* name : {"authorization", "AUTHORIZATION", "X-Api-Key", "x-api-secret",
                           "cookie", "Set-Cookie", "Proxy-Authorization"}) {
    CAPTURE(name);
    CHECK(IsCredentialHeader(name));
  }
  CHECK_FALSE(IsCredentialHeader("Content-Type"));
  CHECK(FormatHeadersForLog({{"Accept", "application/json"}, {"Authorization", "raw"}}) ==
        "Accept: application/json, Authorization: (redacted)");
}

}  // namespace
}  // namespace idsync
