// Store::Open: a libpq URI is PostgreSQL, anything else a SQLite path.
#include "state/postgres_store.h"
#include "state/sqlite_store.h"

namespace idsync {

bool IsPostgresLocation(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& location, StoreAccess access) {
  if (IsPostgresLocation(location)) return OpenPostgresStore(location, access);
  return OpenSqliteStore(location, access);
}

}  // namespace idsync
