#include "state/postgres_store.h"

namespace idsync {

StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string&, StoreAccess) {
  return FailedPrecondition("PostgreSQL state is not available in this build yet");
}

}  // namespace idsync
