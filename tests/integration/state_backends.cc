#include "tests/integration/state_backends.h"

#include "tests/support/postgres.h"

namespace idsync::testing {

std::string PostgresBackend::NewState(const TempDir&) { return PostgresCluster::Shared().NewDatabase(); }

std::string PostgresBackend::Query(const std::string& uri, const std::string& sql) {
  return PostgresCluster::Shared().Query(uri, sql);
}

std::string PostgresBackend::Fingerprint(const std::string& state) {
  const std::string tables = Query(
      state, "SELECT string_agg(format('%I.%I', schemaname, tablename), ' ' ORDER BY 1) FROM pg_tables "
             "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')");
  std::string out = tables + '\n';
  std::istringstream names(tables);
  for (std::string t; names >> t;)
    out += t + ":\n" + Query(state, "SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM " + t + " x") + '\n';
  return out;
}

std::string PostgresBackend::ReadOnly(const std::string& state, const TempDir&) {
  const std::string role = "reader_" + std::to_string(++roles_) + "_" + state.substr(state.rfind('/') + 1);
  const std::string database = state.substr(state.rfind('/') + 1);
  Query(state, "CREATE ROLE " + role + " LOGIN; GRANT CONNECT ON DATABASE " + database + " TO " + role);
  const std::string schemas = Query(
      state, "SELECT string_agg(quote_ident(nspname), ' ') FROM pg_namespace "
             "WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema'");
  std::istringstream each(schemas);
  for (std::string s; each >> s;)
    Query(state, "GRANT USAGE ON SCHEMA " + s + " TO " + role + "; GRANT SELECT ON ALL TABLES IN SCHEMA " + s +
                     " TO " + role);
  return PostgresCluster::Shared().Uri(database, role);
}

PostgresBackend* SharedPostgres() {
  static PostgresBackend pg;
  return &pg;
}

std::vector<StateBackend*> StateBackends() {
  static SqliteBackend sqlite;
  return {&sqlite, SharedPostgres()};
}

}  // namespace idsync::testing
