#include "connectors/houston/houston_connector.h"

namespace idsync {

StatusOr<std::unique_ptr<Connector>> MakeHoustonConnector(const PlatformConfig& config,
                                                      const SecretReader&, ConnectorEnv) {
  return FailedPrecondition("platform " + config.name + ": the houston connector is not built yet");
}

}  // namespace idsync
