#include "connectors/factory.h"

#include <algorithm>

#include "connectors/astra/astra_connector.h"
#include "connectors/houston/houston_connector.h"
#include "connectors/orgadmin/orgadmin_connector.h"
#include "connectors/scim/scim_connector.h"
#include "connectors/workspace/workspace_connector.h"

namespace idsync {

HttpStack::HttpStack(HttpLane& lane, std::string label, RetryPolicy policy, Backoff backoff,
                     Sleeper sleeper)
    : lane_(lane),
      logging_(lane_, std::move(label)),
      retry_(logging_, policy, std::move(backoff), std::move(sleeper)) {}

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

std::unique_ptr<HttpStack> MakeHttpStack(const PlatformConfig& config, HttpEngine& engine) {
  return std::make_unique<HttpStack>(engine.Lane(LaneOptionsFor(config)), config.name,
                                     RetryPolicy{}, Backoff{});
}

StatusOr<std::unique_ptr<Connector>> MakeConnector(const PlatformConfig& config,
                                                   const SecretReader& secrets, ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeConnector: no HTTP client given");
  switch (config.type) {
    case PlatformType::kWorkspace: {
      WorkspaceCredentials credentials;
      StatusOr<std::string> key = secrets(config, "api_key");
      if (!key.ok()) return key.status();
      StatusOr<std::string> secret = secrets(config, "api_secret");
      if (!secret.ok()) return secret.status();
      credentials.api_key = std::move(key).value();
      credentials.api_secret = std::move(secret).value();
      return std::unique_ptr<Connector>(
          std::make_unique<WorkspaceConnector>(config.name, config.url, credentials, *env.http));
    }
    case PlatformType::kHouston: return MakeHoustonConnector(config, secrets, env);
    case PlatformType::kAstra: return MakeAstraConnector(config, secrets, env);
    case PlatformType::kOrgadmin: return MakeOrgadminConnector(config, secrets, env);
    case PlatformType::kScim: return MakeScimConnector(config, secrets, env);
    default:
      return FailedPrecondition("connector for type " + std::string(PlatformTypeName(config.type)) +
                                " is not built yet");
  }
}

}  // namespace idsync
