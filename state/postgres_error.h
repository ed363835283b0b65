// PgError turned into a Status naming the (redacted) database. Internal to state/.
#pragma once

#include <string>

#include "core/status.h"
#include "state/pg_conn.h"

namespace idsync {

// "NAME: WHAT: SERVER MESSAGE", NAME being "state DB <redacted URI>". A lost session
// and the server's connection, resource and serialisation classes (08, 53, 57P, 40)
// are kUnavailable (retrying, on a new session, may help); a write refused by a
// read-only transaction or a role's privileges is kFailedPrecondition or
// kPermissionDenied; anything else kInternal.
Status PostgresError(const std::string& name, const std::string& what, const PgError& e);

}  // namespace idsync
