// The `scim` connector (../shared/platforms/scim.md). Not built yet: MakeConnector
// reports it as such.
#pragma once

#include <memory>

#include "connectors/factory.h"

namespace idsync {

// Reads the platform's credentials through `secrets` and builds its connector over
// env.http.
StatusOr<std::unique_ptr<Connector>> MakeScimConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets,
                                                      ConnectorEnv env);

}  // namespace idsync
