// The PostgreSQL implementation of Store (state/store.h). Internal to state/:
// everyone else opens it through Store::Open.
#pragma once

#include <memory>
#include <string>

#include "state/store.h"

namespace idsync {

// True for "postgresql://..." and "postgres://..." (libpq URIs).
bool IsPostgresLocation(const std::string& location);

// Opens the PostgreSQL state at `uri` (Store::Open's PostgreSQL half).
StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, StoreAccess access);

}  // namespace idsync
