#include "connectors/factory.h"

#include <doctest/doctest.h>

#include <map>

#include "fake_http.h"

namespace idsync {
namespace {

using testing::Answer;
using testing::FakeHttpClient;

PlatformConfig Workspace() {
  PlatformConfig config;
  config.name = "ws";
  config.type = PlatformType::kWorkspace;
  config.url = "https://ws.example/graphql";
  return config;
}

TEST_CASE("a workspace connector is built with both credentials read through the callback") {
  FakeHttpClient fake;
  fake.Push(Answer(200, R"({"data":{"listUsers":{"ok":true,"activeUsers":[],"invitedUsers":[]}}})"));
  std::vector<std::string> asked;
  SecretReader secrets = [&](const PlatformConfig& config, const std::string& key) -> StatusOr<std::string> {
    asked.push_back(config.name + "/" + key);
    return "value-of-" + key;
  };
  StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(Workspace(), secrets, {&fake});
  REQUIRE(connector.ok());
  CHECK(asked == std::vector<std::string>{"ws/api_key", "ws/api_secret"});
  CHECK((*connector)->type() == PlatformType::kWorkspace);
  REQUIRE((*connector)->List({}).ok());
  const HttpHeaders headers = fake.requests().at(0).headers;
  CHECK(headers.at(2) == std::pair<std::string, std::string>{"X-API-KEY", "value-of-api_key"});
  CHECK(headers.at(3) == std::pair<std::string, std::string>{"X-API-SECRET", "value-of-api_secret"});
  CHECK(fake.requests().at(0).url == "https://ws.example/graphql");
}

TEST_CASE("a credential that cannot be read fails the build with the reader's message") {
  FakeHttpClient fake;
  SecretReader secrets = [](const PlatformConfig&, const std::string& key) -> StatusOr<std::string> {
    if (key == "api_secret") return FailedPrecondition("ws: credential api_secret: WS_SECRET is not set");
    return std::string("k");
  };
  StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(Workspace(), secrets, {&fake});
  CHECK(connector.status() == FailedPrecondition("ws: credential api_secret: WS_SECRET is not set"));
}

TEST_CASE("the default stack counts each attempt") {
  PlatformConfig config = Workspace();
  config.url = "http://127.0.0.1:1/graphql";  // nothing listens on port 1
  config.timeout = std::chrono::milliseconds(500);
  HttpEngine engine;
  RetryPolicy policy;
  policy.max_attempts = 3;
  Backoff backoff(std::chrono::milliseconds(1), std::chrono::milliseconds(1), 2.0, [] { return 0.0; });
  HttpStack stack(engine.Lane(LaneOptionsFor(config)), config.name, policy, backoff,
                  [](std::chrono::milliseconds) {});
  HttpRequest request;
  request.url = config.url;
  CHECK(stack.Send(request).status().code() == StatusCode::kUnavailable);
  CHECK(stack.counters().Count(0) == 3);
  CHECK(stack.lane_stats().sent == 3);
  CHECK(MakeHttpStack(config, engine) != nullptr);
}

TEST_CASE("a platform's lane takes its concurrency, rate limit, timeout and CA file") {
  PlatformConfig config = Workspace();
  config.concurrency = 3;
  config.rate_limit = RateLimit{2.5, "150/m"};
  config.timeout = std::chrono::milliseconds(4000);
  config.ca_file = "/etc/corp-ca.pem";
  const LaneOptions lane = LaneOptionsFor(config);
  CHECK(lane.name == "ws");
  CHECK(lane.concurrency == 3);
  CHECK(lane.rate_limit == 2.5);
  CHECK(lane.transfer.timeout == std::chrono::milliseconds(4000));
  CHECK(lane.transfer.connect_timeout == std::chrono::milliseconds(4000));
  CHECK(lane.transfer.ca_file == "/etc/corp-ca.pem");

  config.rate_limit.reset();
  config.timeout = std::chrono::milliseconds(30'000);
  CHECK_FALSE(LaneOptionsFor(config).rate_limit.has_value());
  CHECK(LaneOptionsFor(config).transfer.connect_timeout == std::chrono::milliseconds(10'000));
}

}  // namespace
}  // namespace idsync
