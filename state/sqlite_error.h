// SQLiteCpp exceptions turned into a Status naming the database. Internal to state/.
#pragma once

#include <string>

#include <SQLiteCpp/Exception.h>

#include "core/status.h"

namespace idsync {

// "state DB PATH: WHAT: SQLITE MESSAGE". Busy and locked are kUnavailable (another
// process holds the lock past the busy timeout: retrying may help); a file that
// cannot be opened, is not a database, is read-only or full is kFailedPrecondition;
// anything else kInternal.
Status SqliteError(const std::string& path, const std::string& what,
                   const SQLite::Exception& e);

}  // namespace idsync
