#include "state/postgres_error.h"

namespace idsync {

Status PostgresError(const std::string& name, const std::string& what, const PgError& e) {
  std::string message = name + ": " + what + ": " + e.what();
  const std::string& state = e.sqlstate();
  const std::string klass = state.substr(0, 2);
  if (e.connection_lost() || state.empty() || klass == "08" || klass == "53" ||
      klass == "40" || state.rfind("57P", 0) == 0) {
    return Unavailable(std::move(message));
  }
  if (state == "42501") return PermissionDenied(std::move(message));
  if (state == "25006") return FailedPrecondition(std::move(message));
  return Internal(std::move(message));
}

}  // namespace idsync
