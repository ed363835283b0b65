#include "connectors/scim/scim_connector.h"

namespace idsync {

StatusOr<std::unique_ptr<Connector>> MakeScimConnector(const PlatformConfig& config,
                                                      const SecretReader&, ConnectorEnv) {
  return FailedPrecondition("platform " + config.name + ": the scim connector is not built yet");
}

}  // namespace idsync
