// Exclusive appliers (SPEC §4): `apply` and `run` hold the state's lock before any
// request; `plan`, `status`, `history` and `export` never take it. The lock itself is
// the Store's (state/store.h Store::Lock): SQLite, one file lock for every platform;
// PostgreSQL, a session-level advisory lock per platform instance.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "state/store.h"

namespace idsync {

// True when `state` names a PostgreSQL store (a libpq URI, "postgresql://" or
// "postgres://"): its locks are per platform and let `idsync run` replicas stand by; a
// SQLite file has one lock for all platforms.
bool IsPostgresState(const std::string& state);

// `state` fit for logs: a URI's password (user:PASSWORD@ or password=... in the query)
// replaced by "REDACTED"; a SQLite path unchanged.
std::string StateForLogs(const std::string& state);

// This process's identity in lock messages and /v1/status: `flag` when set, else
// $POD_NAME when set, else "HOST:PID".
std::string ReplicaIdentity(const std::string& flag);

// Locks every platform in `platforms` for `identity`, waiting up to `timeout` for each.
// When a lock is held elsewhere and timeout > 0, first calls `waiting` with a sentence
// ("waiting up to 30s for the lock: ..."). The error is the store's message, which
// contains "locked by" and the holder. The locks must be destroyed before `store`.
StatusOr<std::vector<std::unique_ptr<StoreLock>>> LockPlatforms(Store& store,
                                                                const std::vector<std::string>& platforms,
                                                                const std::string& identity,
                                                                std::chrono::milliseconds timeout,
                                                                const std::function<void(const std::string&)>& waiting);

}  // namespace idsync
