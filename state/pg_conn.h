// libpq, wrapped for state/: one connection, results as RAII objects, failures as
// PgError (caught at the Store's edge and turned into a Status by PostgresError).
// Internal to state/.
//
// libpq over libpqxx: the C client is what Debian ships with every PostgreSQL, its API
// is stable across versions, and it gives the direct control over the one session
// that leadership needs (no hidden reconnects, PQstatus, the backend pid).
//
// Thread-safety: none; PostgresStore serialises every use under its mutex.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace idsync {

// A failed statement or connection. `sqlstate` is the server's SQLSTATE, "" when no
// server answered; `connection_lost` when the session is gone (PQstatus bad).
class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& message, bool connection_lost)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)),
        connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

// A statement parameter in text form; nullopt is SQL NULL.
using PgParam = std::optional<std::string>;

class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result) {}
  ~PgResult() { PQclear(result_); }
  PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PgResult& operator=(PgResult&&) = delete;

  int rows() const { return PQntuples(result_); }
  bool null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }
  std::string text(int row, int col) const { return PQgetvalue(result_, row, col); }
  // The value in place: valid while this result lives. NULL reads as "".
  std::string_view view(int row, int col) const {
    return {PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col))};
  }
  int64_t int64(int row, int col) const;  // NULL reads as 0
  bool boolean(int row, int col) const { return view(row, col) == "t"; }
  int64_t affected() const;               // rows an INSERT/UPDATE/DELETE touched

 private:
  PGresult* result_;
};

// libpq connection keywords, in order (PQconnectdbParams with expand_dbname).
using PgKeywords = std::vector<std::pair<std::string, std::string>>;

class PgConn {
 public:
  // Connects; a failure is kUnavailable (or kUnauthenticated for a refused login)
  // whose message starts with `name` (the redacted URI).
  static StatusOr<std::unique_ptr<PgConn>> Connect(const PgKeywords& keywords,
                                                   const std::string& name);
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() { PQfinish(conn_); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // One statement with bound text parameters. Throws PgError.
  PgResult Exec(const std::string& sql, const std::vector<PgParam>& params = {});
  // The same with the parameters borrowed, not copied (a whole listing); each must
  // outlive the call, null is SQL NULL. Throws PgError.
  PgResult ExecBorrowed(const std::string& sql, std::initializer_list<const std::string*> params);
  // Several statements without parameters (migrations). Throws PgError.
  void ExecScript(const std::string& sql);
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Reconnects with the same keywords; true when the new session is up.
  bool Reset();

 private:
  PgResult Check(PGresult* result);
  PGconn* conn_;
};

// BEGIN now; ROLLBACK on destruction unless Commit() ran (and the session is alive).
class PgTransaction {
 public:
  explicit PgTransaction(PgConn& conn) : conn_(conn) { conn_.Exec("BEGIN"); }
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void Commit() {
    conn_.Exec("COMMIT");
    done_ = true;
  }

 private:
  PgConn& conn_;
  bool done_ = false;
};

}  // namespace idsync
