#include "state/sqlite_error.h"

#include <sqlite3.h>

namespace idsync {

Status SqliteError(const std::string& path, const std::string& what,
                   const SQLite::Exception& e) {
  std::string message = "state DB " + path + ": " + what + ": " + e.what();
  switch (e.getErrorCode()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message));
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return FailedPrecondition(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

}  // namespace idsync
