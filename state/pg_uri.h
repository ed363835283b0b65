// PostgreSQL locations: redaction for messages and the connection keywords.
// Internal to state/ (RedactUri is also used by tests).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "state/pg_conn.h"

namespace idsync {

// The URI with every secret replaced by "***": the password of the user info
// ("postgresql://user:***@host/db") and the values of the password and sslpassword
// query parameters. Over-redacts rather than leaks: the user info ends at the last
// '@' before the query, so a raw '@' or '/' in a password is hidden too. Used in every
// message that names a PostgreSQL state.
std::string RedactUri(const std::string& uri);

// libpq keywords for `uri`: TCP keepalives (keepalives=1, keepalives_idle=5,
// keepalives_interval=2, keepalives_count=3), tcp_user_timeout=10000 ms,
// connect_timeout=10, application_name=idsync and the server-side equivalents
// (options: -c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2
// -c tcp_keepalives_count=3 -c tcp_user_timeout=10000), each placed before the URI so that
// the URI's own settings win; credentials only through libpq (PGPASSWORD, .pgpass).
PgKeywords PostgresKeywords(const std::string& uri);

// The advisory lock key of a platform: 64-bit FNV-1a of "idsync/platform/" + name (a
// namespace other users of advisory locks in the database are unlikely to hit).
int64_t PlatformLockKey(const std::string& platform);
// An advisory lock's bigint key as pg_locks shows it: {classid, objid} (high and low
// halves, objsubid 1), as decimal text for bound oid parameters.
std::pair<std::string, std::string> PgLockIds(int64_t key);
// The key that serialises schema migrations (FNV-1a of "idsync/schema-migration").
int64_t MigrationLockKey();

}  // namespace idsync
