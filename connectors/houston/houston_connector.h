// The `houston` connector (../shared/platforms/houston.md). Not built yet: MakeConnector
// reports it as such.
#pragma once

#include <memory>

#include "connectors/factory.h"

namespace idsync {

// Reads the platform's credentials through `secrets` and builds its connector over
// env.http.
StatusOr<std::unique_ptr<Connector>> MakeHoustonConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets,
                                                      ConnectorEnv env);

}  // namespace idsync
