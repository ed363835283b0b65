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
                  [](std::chrono::milliseconds) {}, [] { return std::chrono::system_clock::time_point(); });
  HttpRequest request;
  request.url = config.url;
  CHECK(stack.Send(request).status().code() == StatusCode::kUnavailable);
  CHECK(stack.counters().Count(0) == 3);
  CHECK(stack.lane_stats().sent == 3);
  CHECK(MakeHttpStack(config, engine,
                      RetryClock{[](std::chrono::milliseconds) {},
                                 [] { return std::chrono::system_clock::time_point(); }, [] { return 0.5; }}) !=
        nullptr);
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

TEST_CASE("every platform refuses what it cannot do in one format, before any request") {
  const SecretReader secrets = [](const PlatformConfig&, const std::string&) -> StatusOr<std::string> {
    return std::string("s3cr3t-value");
  };
  for (PlatformType type : AllPlatformTypes()) {
    const std::string name(PlatformTypeName(type));
    CAPTURE(name);
    FakeHttpClient fake;
    PlatformConfig config = Workspace();
    config.type = type;
    config.org = "7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e";
    StatusOr<std::unique_ptr<Connector>> built = MakeConnector(config, secrets, {&fake});
    REQUIRE(built.ok());
    Connector& connector = **built;
    Action action;
    action.platform = "ws";
    action.email = "alice@acme.io";
    action.user_id = "u1";
    const Capabilities& caps = CapabilitiesOf(type);
    const std::pair<bool, std::pair<const char*, Status>> calls[] = {
        {caps.retire, {"retire", caps.retire ? OkStatus() : connector.Retire(action)}},
        {caps.reactivate, {"reactivate", caps.reactivate ? OkStatus() : connector.Reactivate(action)}},
        {caps.remove, {"remove", caps.remove ? OkStatus() : connector.Remove(action)}},
        {caps.profile_update, {"update", caps.profile_update ? OkStatus() : connector.Update(action)}},
    };
    for (const auto& [can, call] : calls) {
      if (can) continue;
      CHECK(call.second == FailedPrecondition(name + " ws: " + call.first +
                                              " alice@acme.io: not supported by the " + name + " platform"));
    }
    CHECK(fake.requests().empty());
  }
}

TEST_CASE("every credential the factory read is scrubbed from what the connector returns") {
  FakeHttpClient fake;
  fake.Push(Answer(401, R"({"errors":[{"message":"bad key value-of-api_key, secret value-of-api_secret"}]})"));
  const SecretReader secrets = [](const PlatformConfig&, const std::string& key) -> StatusOr<std::string> {
    return "value-of-" + key;
  };
  StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(Workspace(), secrets, {&fake});
  REQUIRE(connector.ok());
  const Status listed = (*connector)->List({}).status();
  CHECK(listed.message() == "workspace ws: list users: bad key (redacted), secret (redacted) (HTTP 401)");
}

}  // namespace
}  // namespace idsync
