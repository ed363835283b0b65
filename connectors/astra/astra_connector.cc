#include "connectors/astra/astra_connector.h"

namespace idsync {

StatusOr<std::unique_ptr<Connector>> MakeAstraConnector(const PlatformConfig& config,
                                                      const SecretReader&, ConnectorEnv) {
  return FailedPrecondition("platform " + config.name + ": the astra connector is not built yet");
}

}  // namespace idsync
