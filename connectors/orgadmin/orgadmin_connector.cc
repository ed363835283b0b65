#include "connectors/orgadmin/orgadmin_connector.h"

namespace idsync {

StatusOr<std::unique_ptr<Connector>> MakeOrgadminConnector(const PlatformConfig& config,
                                                      const SecretReader&, ConnectorEnv) {
  return FailedPrecondition("platform " + config.name + ": the orgadmin connector is not built yet");
}

}  // namespace idsync
