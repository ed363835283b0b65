#include "state/pg_conn.h"

#include <cstdlib>

namespace idsync {

int64_t PgResult::int64(int row, int col) const {
  if (null(row, col)) return 0;
  return std::strtoll(PQgetvalue(result_, row, col), nullptr, 10);
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_);
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(const PgKeywords& keywords,
                                                  const std::string& name) {
  std::vector<const char*> keys, values;
  for (const auto& kv : keywords) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Unavailable(name + ": cannot connect: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn);
    const bool auth = message.find("authentication failed") != std::string::npos ||
                      message.find("password") != std::string::npos;
    message = name + ": cannot connect: " + message;
    if (auth) return Unauthenticated(std::move(message));
    return Unavailable(std::move(message));
  }
  return std::make_unique<PgConn>(conn);
}

PgResult PgConn::Check(PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(result);
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  PQclear(result);
  throw PgError(std::move(sqlstate), message, !ok());
}

PgResult PgConn::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, /*resultFormat=*/0));
}

PgResult PgConn::ExecBorrowed(const std::string& sql, std::initializer_list<const std::string*> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string* p : params) values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, /*resultFormat=*/0));
}

void PgConn::ExecScript(const std::string& sql) { Check(PQexec(conn_, sql.c_str())); }

bool PgConn::Reset() {
  PQreset(conn_);
  return ok();
}

PgTransaction::~PgTransaction() {
  if (done_ || !conn_.ok()) return;
  try {
    conn_.Exec("ROLLBACK");
  } catch (const PgError&) {
    // The session is gone or broken: the server rolls back on its own.
  }
}

}  // namespace idsync
