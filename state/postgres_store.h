// The PostgreSQL implementation of Store (state/store.h). Internal to state/:
// everyone else opens it through Store::Open. See state/README.md.
//
// Durability, like the SQLite backend's: JournalBegin's commit (one statement, one
// round trip) waits for the WAL flush at the session's configured synchronous_commit (the server's or the URI's: on,
// remote_write, remote_apply...), so its row is durable before its request leaves;
// every other write commits with synchronous_commit=off (no wait). PostgreSQL flushes
// its WAL in order, so each JournalBegin also makes every earlier commit durable; a
// server crash can lose only finishes and bookkeeping since the last begin, which
// recovery treats like a crash of idsync (pending rows are re-planned from live).
// One fsync per action instead of two or more.
//
// Sessions: one connection per store. While any StoreLock of this store is alive the
// connection is never re-established: a lost session means lost locks, and every
// call fails until the locks are dropped. Without live locks a broken connection is
// re-established (once) at the next call. Platforms ever locked through this store
// stay fenced: JournalBegin for them needs the current session to hold the lock.
//
// Thread-safety: every call under one mutex (one connection). A lock wait releases
// the mutex between attempts.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "state/pg_conn.h"
#include "state/postgres_error.h"
#include "state/store.h"

namespace idsync {

// True for "postgresql://..." and "postgres://..." (libpq URIs).
bool IsPostgresLocation(const std::string& location);

// Opens the PostgreSQL state at `uri` (Store::Open's PostgreSQL half).
StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, StoreAccess access);

// Migration i (0-based) takes the PostgreSQL schema from version i to i + 1. Append
// only. Recorded in the one-row table schema_version.
const std::vector<std::string>& PostgresMigrations();

// Applies the missing migrations in one transaction under an advisory transaction
// lock (MigrationLockKey), so concurrent openers migrate once; a newer schema than
// `migrations` is refused naming both versions. Throws PgError.
Status MigratePostgres(PgConn& conn, const std::string& name,
                       const std::vector<std::string>& migrations = PostgresMigrations());

// Sets up a new session: read-only sessions get default_transaction_read_only, others
// synchronous_commit=off (see Durability). Returns the session's synchronous_commit
// before that. Throws PgError.
std::string ConfigureSession(PgConn& conn, StoreAccess access);

// The schema version of the database, 0 when it has no schema_version table (read
// only, takes no lock). Throws PgError.
int PostgresSchemaVersion(PgConn& conn);

class PostgresStore final : public Store {
 public:
  // `journal_commit`: the synchronous_commit level for JournalBegin (see Durability).
  PostgresStore(std::string name, std::unique_ptr<PgConn> conn, StoreAccess access,
                std::string journal_commit);

  // Every Store method (state/store.h), declared once for both backends.
#include "state/store_overrides.inc"

  // For PostgresStoreLock: whether this session still holds `platform`'s lock, and
  // giving one StoreLock's share back.
  bool LockHeld(const std::string& platform);
  void Unlock(const std::string& platform);

 private:
  // Runs `body` under the mutex on a live connection; a PgError (or any other
  // exception) becomes a Status "state DB <redacted uri>: WHAT: message".
  template <typename Body>
  auto Locked(const std::string& what, Body&& body) -> decltype(body()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (Status s = EnsureSession(what); !s.ok()) return s;
    try {
      return body();
    } catch (const PgError& e) {
      return PostgresError(name_, what, e);
    } catch (const std::exception& e) {
      return Internal(name_ + ": " + what + ": " + e.what());
    }
  }

  // REQUIRES: mu_ held. OK when the connection is up or could be re-established
  // (only while no StoreLock is alive).
  Status EnsureSession(const std::string& what);
  // One pg_try_advisory_lock attempt; `busy` when another session holds it.
  // REQUIRES: mu_ held. Throws PgError.
  bool TryLock(const std::string& platform, const LockOptions& options);
  // Whether this session holds `platform`'s advisory lock. REQUIRES: mu_ held. Throws PgError.
  bool OwnsLock(const std::string& platform);
  // "IDENTITY (PostgreSQL backend pid N, client H) since T" of the holder.
  std::string Holder(const std::string& platform);  // REQUIRES: mu_ held

  const std::string name_;  // "state DB <redacted uri>"
  const StoreAccess access_;
  const std::string journal_commit_;
  std::mutex mu_;
  std::unique_ptr<PgConn> conn_;           // guarded by mu_
  std::map<std::string, int> held_;        // platform -> live StoreLocks; guarded by mu_
  std::set<std::string> fenced_;           // platforms ever locked here; guarded by mu_
};

}  // namespace idsync
