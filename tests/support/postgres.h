// A throwaway PostgreSQL cluster for tests that need a real server (issue 14):
// initdb + pg_ctl in a fresh temp dir, listening on a free loopback port, run as the
// `postgres` (else `nobody`) user when the tests run as root, since PostgreSQL refuses
// to run as root. One cluster per test binary (Shared()), one fresh database per test
// case (NewDatabase()). Local connections are trusted: no password anywhere.
//
// The server binaries are found in $IDSYNC_PG_BINDIR, else the newest
// /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package), else on PATH.
// The cluster is stopped and its directory deleted when it is destroyed and, should
// the test process die first (a crash, SIGKILL), by a watchdog process that waits for
// the test process's end.
//
// Thread-safety: NewDatabase, Exec and Query may be called from any thread.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <mutex>
#include <string>

namespace idsync::testing {

class PostgresCluster {
 public:
  struct Options {
    // false (tests): fsync and synchronous_commit off, for speed. true (benchmarks):
    // the server's durable defaults.
    bool durable = false;
  };

  // The process-wide cluster, started at first use. Throws std::runtime_error (with
  // the server's log) when it cannot start; later calls throw the same again.
  static PostgresCluster& Shared();

  explicit PostgresCluster(Options options);  // starts it; throws std::runtime_error
  ~PostgresCluster();                         // stops it and deletes its files
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Creates a new empty database and returns its URI
  // ("postgresql://postgres@127.0.0.1:PORT/idsync_tN"). Throws std::runtime_error.
  std::string NewDatabase();
  // The URI of database `db` on this cluster for `user` (no password: trusted).
  std::string Uri(const std::string& db, const std::string& user = "postgres") const;
  // Runs `sql` (one or more statements) as the superuser on the database of `uri`, and
  // returns the first column of the first row ("" if none). Throws std::runtime_error.
  std::string Query(const std::string& uri, const std::string& sql);
  int port() const { return port_; }

 private:
  void Start(const Options& options);
  void Stop();

  std::string bindir_;
  std::string dir_;  // the temp dir: data/, server.log, the socket
  int port_ = 0;
  int run_uid_ = -1, run_gid_ = -1;  // the server's user when we are root, else -1
  int watchdog_fd_ = -1;             // its pipe: closed (by exit) = clean up
  std::mutex mu_;
  int databases_ = 0;  // guarded by mu_
};

}  // namespace idsync::testing
