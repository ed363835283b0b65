#include "connectors/http/retry.h"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "connectors/http/graphql.h"
#include "fake_http.h"

namespace idsync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Answer;
using testing::FakeHttpClient;

struct Harness {
  FakeHttpClient fake;
  std::vector<milliseconds> sleeps;
  double random = 0.5;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'445'412'480);

  RetryingHttpClient Client(RetryPolicy policy = {}) {
    return RetryingHttpClient(
        fake, policy, Backoff(milliseconds(100), seconds(10), 2.0, [this] { return random; }),
        [this](milliseconds d) { sleeps.push_back(d); }, [this] { return now; });
  }
};

HttpRequest Post() {
  HttpRequest r;
  r.method = "POST";
  r.url = "https://h.example/graphql";
  r.body = "{}";
  return r;
}

TEST_CASE("a 503 is retried and the later success returned") {
  Harness h;
  h.fake.Push(Answer(503, "busy"));
  h.fake.Push(Answer(503, "busy"));
  h.fake.Push(Answer(200, "done"));
  auto client = h.Client();
  StatusOr<HttpResponse> out = client.Send(Post());
  REQUIRE(out.ok());
  CHECK(out->status == 200);
  CHECK(out->body == "done");
  CHECK(h.fake.requests().size() == 3);
  // Full jitter at 0.5 of caps 100ms, 200ms.
  CHECK(h.sleeps == std::vector<milliseconds>{milliseconds(50), milliseconds(100)});
  CHECK(h.fake.requests()[2].body == "{}");
}

TEST_CASE("client errors other than 429 are never retried") {
  for (int code : {400, 401, 403, 404, 409, 422}) {
    CAPTURE(code);
    Harness h;
    h.fake.Push(Answer(code, "no"));
    h.fake.Push(Answer(200, "unreachable"));
    auto client = h.Client();
    StatusOr<HttpResponse> out = client.Send(Post());
    REQUIRE(out.ok());
    CHECK(out->status == code);
    CHECK(h.fake.requests().size() == 1);
    CHECK(h.sleeps.empty());
  }
}

TEST_CASE("retryable transport failures retry, others do not") {
  Harness h;
  h.fake.Push(Unavailable("connection refused"));
  h.fake.Push(Status(StatusCode::kDeadlineExceeded, "timed out"));
  h.fake.Push(Answer(200, "ok"));
  auto client = h.Client();
  CHECK(client.Send(Post()).ok());
  CHECK(h.fake.requests().size() == 3);

  Harness tls;
  tls.fake.Push(FailedPrecondition("TLS certificate verification failed for h.example: x"));
  auto tls_client = tls.Client();
  StatusOr<HttpResponse> out = tls_client.Send(Post());
  CHECK(out.status().code() == StatusCode::kFailedPrecondition);
  CHECK(tls.fake.requests().size() == 1);
}

TEST_CASE("Retry-After in seconds is waited for exactly") {
  Harness h;
  h.fake.Push(Answer(429, "slow down", {{"retry-after", "7"}}));
  h.fake.Push(Answer(200, "ok"));
  auto client = h.Client();
  CHECK(client.Send(Post()).ok());
  CHECK(h.sleeps == std::vector<milliseconds>{seconds(7)});
}

TEST_CASE("Retry-After as an HTTP-date waits until that date") {
  Harness h;
  // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
  h.now = std::chrono::system_clock::from_time_t(1'445'412'480 - 12);
  h.fake.Push(Answer(503, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  h.fake.Push(Answer(200, "ok"));
  auto client = h.Client();
  CHECK(client.Send(Post()).ok());
  CHECK(h.sleeps == std::vector<milliseconds>{seconds(12)});
}

TEST_CASE("Retry-After parsing") {
  const auto now = std::chrono::system_clock::from_time_t(1'445'412'480);
  CHECK(ParseRetryAfter("0", now) == milliseconds(0));
  CHECK(ParseRetryAfter(" 120 ", now) == seconds(120));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now) == milliseconds(0));  // past
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:29:30 GMT", now) == seconds(90));
  CHECK_FALSE(ParseRetryAfter("soon", now).has_value());
  CHECK_FALSE(ParseRetryAfter("-5", now).has_value());
  CHECK_FALSE(ParseRetryAfter("", now).has_value());
}

TEST_CASE("an unreadable Retry-After falls back to backoff") {
  Harness h;
  h.fake.Push(Answer(429, "", {{"Retry-After", "later please"}}));
  h.fake.Push(Answer(200, "ok"));
  auto client = h.Client();
  CHECK(client.Send(Post()).ok());
  CHECK(h.sleeps == std::vector<milliseconds>{milliseconds(50)});
}

TEST_CASE("gives up after max attempts with the last answer") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.fake.Push(Answer(500, "attempt " + std::to_string(i + 1)));
  h.fake.Push(Answer(200, "unreachable"));
  auto client = h.Client();
  StatusOr<HttpResponse> out = client.Send(Post());
  REQUIRE(out.ok());
  CHECK(out->status == 500);
  CHECK(out->body == "attempt 5");
  CHECK(h.fake.requests().size() == 5);
  CHECK(h.sleeps.size() == 4);
}

TEST_CASE("gives up when the next wait would exceed the total delay budget") {
  Harness h;
  h.fake.Push(Answer(429, "", {{"Retry-After", "3"}}));
  h.fake.Push(Answer(429, "", {{"Retry-After", "3"}}));
  h.fake.Push(Answer(200, "unreachable"));
  auto client = h.Client(RetryPolicy{.max_attempts = 5, .max_total_delay = seconds(5)});
  StatusOr<HttpResponse> out = client.Send(Post());
  REQUIRE(out.ok());
  CHECK(out->status == 429);
  CHECK(h.fake.requests().size() == 2);
  CHECK(h.sleeps == std::vector<milliseconds>{seconds(3)});
}

TEST_CASE("full jitter stays within zero and the exponential cap") {
  struct Row {
    double random;
    int retry;
    milliseconds expected;
  };
  const Row rows[] = {
      {0.0, 0, milliseconds(0)},      {0.999, 0, milliseconds(99)},
      {0.999, 1, milliseconds(199)},  {0.5, 3, milliseconds(400)},
      {0.999, 20, milliseconds(9990)},  // capped at the maximum (10s)
      {0.0, 20, milliseconds(0)},
  };
  for (const Row& row : rows) {
    CAPTURE(row.retry);
    CAPTURE(row.random);
    Backoff backoff(milliseconds(100), seconds(10), 2.0, [&] { return row.random; });
    CHECK(backoff.Delay(row.retry) == row.expected);
  }
  Backoff real(milliseconds(100), seconds(10), 2.0);
  for (int i = 0; i < 200; ++i) {
    const milliseconds d = real.Delay(i % 8);
    CHECK(d >= milliseconds(0));
    CHECK(d <= real.Cap(i % 8));
  }
}

// houston.md: INTERNAL_SERVER_ERROR is the one retryable GraphQL error, and it comes
// with HTTP 200. The GraphQL layer says which answers are transient; the one retry
// loop retries them with the same backoff and budget as a 503.
std::string GraphQLError(const char* code) {
  return std::string(R"({"data":null,"errors":[{"message":"boom","extensions":{"code":")") + code +
         R"("}}]})";
}

TEST_CASE("a GraphQL INTERNAL_SERVER_ERROR with HTTP 200 is retried by the one retry loop") {
  Harness h;
  h.fake.Push(Answer(200, GraphQLError("INTERNAL_SERVER_ERROR")));
  h.fake.Push(Answer(200, GraphQLError("INTERNAL_SERVER_ERROR")));
  h.fake.Push(Answer(200, R"({"data":{"workspaces":[]}})"));
  auto retrying = h.Client();
  GraphQLClient graphql(retrying, "https://houston.example/v1", {});
  StatusOr<nlohmann::json> data = graphql.Data("query Q { workspaces { id } }", "Q", {}, "list");
  REQUIRE(data.ok());
  CHECK((*data)["workspaces"] == nlohmann::json::array());
  CHECK(h.fake.requests().size() == 3);
  CHECK(h.sleeps == std::vector<milliseconds>{milliseconds(50), milliseconds(100)});  // as for a 503
}

TEST_CASE("a GraphQL INTERNAL_SERVER_ERROR stops at the same attempt budget and is returned") {
  Harness h;
  for (int i = 0; i < 4; ++i) h.fake.Push(Answer(200, GraphQLError("INTERNAL_SERVER_ERROR")));
  h.fake.Push(Answer(200, "unreachable"));
  RetryPolicy policy;
  policy.max_attempts = 4;
  auto retrying = h.Client(policy);
  GraphQLClient graphql(retrying, "https://houston.example/v1", {});
  StatusOr<nlohmann::json> data = graphql.Data("query Q { workspaces { id } }", "Q", {}, "list");
  CHECK(data.status() == Unavailable("list: boom (INTERNAL_SERVER_ERROR)"));
  CHECK(h.fake.requests().size() == 4);
  CHECK(h.fake.remaining() == 1);
}

TEST_CASE("GraphQL errors the platform calls final are never retried") {
  for (const char* code : {"BAD_USER_INPUT", "FORBIDDEN", "UNAUTHENTICATED", "RESOURCE_NOT_FOUND",
                           "DUPLICATE_EMAIL", "SOMETHING_NEW"}) {
    CAPTURE(code);
    Harness h;
    h.fake.Push(Answer(200, GraphQLError(code)));
    h.fake.Push(Answer(200, "unreachable"));
    auto retrying = h.Client();
    GraphQLClient graphql(retrying, "https://houston.example/v1", {});
    CHECK_FALSE(graphql.Data("query Q { workspaces { id } }", "Q", {}, "list").ok());
    CHECK(h.fake.requests().size() == 1);
    CHECK(h.sleeps.empty());
  }
}

}  // namespace
}  // namespace idsync
