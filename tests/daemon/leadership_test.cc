// The pieces of leadership that are plain functions (daemon/run/leadership.h,
// daemon/apply/locks.h); replicas themselves are tested end to end in
// tests/integration/failover_test.cc against a real PostgreSQL server.
#include <doctest/doctest.h>

#include "daemon/apply/locks.h"
#include "daemon/run/leadership.h"
#include "state/pg_uri.h"

namespace idsync {

TEST_CASE("the holder is read from a refused lock's message") {
  CHECK(HolderFromLockMessage("state /s.db is locked by run-1 (pid 12 on host h) since 2026; use --lock-timeout") ==
        "run-1");
  CHECK(HolderFromLockMessage("postgresql://u@h/db: platform ws is locked by idsync:replica-a; another idsync") ==
        "replica-a");
  CHECK(HolderFromLockMessage("cannot reconnect") == "");
}

TEST_CASE("a PostgreSQL state is named in logs without its password") {
  CHECK(StateForLogs("/var/lib/idsync/state.db") == "/var/lib/idsync/state.db");
  CHECK(StateForLogs("postgresql://idsync@db/idsync") == "postgresql://idsync@db/idsync");
  CHECK(StateForLogs("postgres://idsync:hunter2@db:5432/idsync?sslmode=verify-full") ==
        "postgres://idsync:REDACTED@db:5432/idsync?sslmode=verify-full");
  CHECK(StateForLogs("postgresql://db/idsync?user=u&password=hunter2&sslmode=require") ==
        "postgresql://db/idsync?user=u&password=REDACTED&sslmode=require");
}

TEST_CASE("the identity is the flag, else POD_NAME, else host:pid") {
  CHECK(ReplicaIdentity("replica-a") == "replica-a");
  CHECK(IsPostgresState("postgres://h/db"));
  CHECK(IsPostgresState("postgresql://h/db"));
  CHECK_FALSE(IsPostgresState("./postgresql.db"));
}

TEST_CASE("the server also drops a vanished leader's session within seconds") {
  std::string options;
  for (const auto& [key, value] : PostgresKeywords("postgresql://h/db"))
    if (key == "options") options = value;
  // Without these the server keeps a dead peer's session, and its advisory locks, for
  // the kernel's default keepalive time (hours): no standby could take over.
  CHECK(options.find("-c tcp_keepalives_idle=5") != std::string::npos);
  CHECK(options.find("-c tcp_keepalives_interval=2") != std::string::npos);
  CHECK(options.find("-c tcp_keepalives_count=3") != std::string::npos);
  CHECK(options.find("-c tcp_user_timeout=10000") != std::string::npos);
}

}  // namespace idsync
