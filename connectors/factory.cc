#include "connectors/factory.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "connectors/astra/astra_connector.h"
#include "connectors/guarded_connector.h"
#include "connectors/houston/houston_connector.h"
#include "connectors/orgadmin/orgadmin_connector.h"
#include "connectors/scim/scim_connector.h"
#include "connectors/workspace/workspace_connector.h"

namespace idsync {

HttpStack::HttpStack(HttpLane& lane, std::string label, RetryPolicy policy, Backoff backoff,
                     Sleeper sleeper, WallClock clock, SteadyClock steady_now)
    : lane_(lane),
      logging_(lane_, std::move(label), nullptr, std::move(steady_now)),
      retry_(logging_, policy, std::move(backoff), std::move(sleeper), std::move(clock)) {}

LaneOptions LaneOptionsFor(const PlatformConfig& config) {
  LaneOptions lane;
  lane.name = config.name;
  lane.concurrency = config.concurrency;
  if (config.rate_limit && config.rate_limit->per_second > 0) {
    lane.rate_limit = config.rate_limit->per_second;
  }
  lane.transfer.timeout = config.timeout;
  lane.transfer.connect_timeout = std::min(lane.transfer.connect_timeout, config.timeout);
  lane.transfer.ca_file = config.ca_file;
  return lane;
}

std::unique_ptr<HttpStack> MakeHttpStack(const PlatformConfig& config, HttpEngine& engine,
                                         RetryClock clock) {
  return std::make_unique<HttpStack>(engine.Lane(LaneOptionsFor(config)), config.name,
                                     RetryPolicy{}, Backoff(std::move(clock.uniform)),
                                     std::move(clock.sleep), std::move(clock.wall_now),
                                     std::move(clock.steady_now));
}

namespace {

StatusOr<std::unique_ptr<Connector>> MakeBare(const PlatformConfig& config,
                                              const SecretReader& secrets, ConnectorEnv env) {
  switch (config.type) {
    case PlatformType::kWorkspace: return MakeWorkspaceConnector(config, secrets, env);
    case PlatformType::kHouston: return MakeHoustonConnector(config, secrets, env);
    case PlatformType::kAstra: return MakeAstraConnector(config, secrets, env);
    case PlatformType::kOrgadmin: return MakeOrgadminConnector(config, secrets, env);
    case PlatformType::kScim: return MakeScimConnector(config, secrets, env);
  }
  return FailedPrecondition("connector for type " + std::string(PlatformTypeName(config.type)) +
                            " is not built yet");
}

}  // namespace

StatusOr<std::unique_ptr<Connector>> MakeConnector(const PlatformConfig& config,
                                                   const SecretReader& secrets, ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeConnector: no HTTP client given");
  // Every value the connector reads is one the wrapper scrubs.
  std::vector<std::string> read;
  const SecretReader recording = [&](const PlatformConfig& c,
                                     const std::string& key) -> StatusOr<std::string> {
    StatusOr<std::string> value = secrets(c, key);
    if (value.ok()) read.push_back(*value);
    return value;
  };
  StatusOr<std::unique_ptr<Connector>> bare = MakeBare(config, recording, env);
  if (!bare.ok()) return bare.status();
  return std::unique_ptr<Connector>(
      std::make_unique<GuardedConnector>(std::move(bare).value(), config.name, std::move(read)));
}

}  // namespace idsync
