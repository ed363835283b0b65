// The state database schema: forward-only migrations counted by PRAGMA user_version.
// Internal to state/.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "core/status.h"

namespace idsync {

// Migration i (0-based) takes the schema from version i to i + 1. Append only: never
// edit or reorder a published entry, a database in the field has already run it.
const std::vector<std::string>& SchemaMigrations();

// Applies the migrations `db` has not run yet, each in its own IMMEDIATE transaction
// together with the user_version bump, so two processes opening the same new file
// migrate it once; a database already at migrations.size() is only read (no write
// lock taken). A database whose version is above migrations.size() is refused:
// "state DB PATH has schema version N, this idsync knows up to M". Never throws.
Status Migrate(SQLite::Database& db, const std::string& path,
               const std::vector<std::string>& migrations = SchemaMigrations());

// PRAGMA user_version of `db`. May throw SQLite::Exception.
int SchemaVersion(SQLite::Database& db);

}  // namespace idsync
