#include "tests/integration/state_backends.h"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace idsync::testing {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::unique_ptr<PostgresBackend> PostgresBackend::Start() {
  namespace fs = std::filesystem;
  std::vector<std::string> bins;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(e.path() / "bin" / "initdb")) bins.push_back((e.path() / "bin").string());
  if (bins.empty() || !fs::exists("/usr/bin/psql")) return nullptr;
  std::sort(bins.begin(), bins.end());
  std::unique_ptr<PostgresBackend> pg(new PostgresBackend());
  pg->bin_ = bins.back();
  if (geteuid() == 0) {
    const passwd* nobody = getpwnam("nobody");
    if (!nobody) throw std::runtime_error("tests run as root and there is no user nobody for PostgreSQL");
    if (chown(pg->dir_.path().c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("cannot give the cluster's directory to nobody");
    pg->as_user_ = {"/usr/bin/setpriv", "--reuid=" + std::to_string(nobody->pw_uid),
                    "--regid=" + std::to_string(nobody->pw_gid), "--clear-groups"};
  }
  pg->port_ = FreePort();
  const std::string data = pg->dir_.path() + "/data";
  RunResult init = pg->Tool("initdb", {"-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"});
  if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.err);
  RunResult start = pg->Tool("pg_ctl", {"-D", data, "-l", pg->dir_.path() + "/log", "-w", "-o",
                                        "-p " + std::to_string(pg->port_) + " -k " + pg->dir_.path() +
                                            " -c listen_addresses=127.0.0.1 -c fsync=off",
                                        "start"});
  if (start.exit_code != 0) throw std::runtime_error("pg_ctl start failed: " + start.err + start.out);
  pg->started_ = true;
  return pg;
}

PostgresBackend::~PostgresBackend() {
  if (started_) (void)Tool("pg_ctl", {"-D", dir_.path() + "/data", "-m", "immediate", "-w", "stop"});
}

RunResult PostgresBackend::Tool(const std::string& tool, const std::vector<std::string>& args) const {
  std::vector<std::string> argv = as_user_;
  argv.push_back(bin_ + "/" + tool);
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string binary = argv.front();
  argv.erase(argv.begin());
  return RunProcess(binary, argv);
}

std::string PostgresBackend::Admin(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresBackend::Query(const std::string& uri, const std::string& sql) {
  // As the superuser on the same database, whoever `uri` names.
  const std::string database = uri.substr(uri.rfind('/') + 1, uri.find('?') == std::string::npos
                                                                  ? std::string::npos
                                                                  : uri.find('?') - uri.rfind('/') - 1);
  RunResult r = RunProcess("/usr/bin/psql", {Admin(database), "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql});
  if (r.exit_code != 0) throw std::runtime_error("psql: " + sql + ": " + r.err);
  return Trim(r.out);
}

std::string PostgresBackend::NewState(const TempDir&) {
  const std::string name = "idsync_test_" + std::to_string(++databases_);
  Query(Admin("postgres"), "CREATE DATABASE " + name);
  return Admin(name);
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
  const std::string role = "reader_" + std::to_string(++roles_);
  const std::string database = state.substr(state.rfind('/') + 1);
  Query(state, "CREATE ROLE " + role + " LOGIN");
  Query(state, "GRANT CONNECT ON DATABASE " + database + " TO " + role);
  const std::string schemas = Query(
      state, "SELECT string_agg(quote_ident(nspname), ' ') FROM pg_namespace "
             "WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema'");
  std::istringstream each(schemas);
  for (std::string s; each >> s;) {
    Query(state, "GRANT USAGE ON SCHEMA " + s + " TO " + role);
    Query(state, "GRANT SELECT ON ALL TABLES IN SCHEMA " + s + " TO " + role);
  }
  return "postgresql://" + role + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

PostgresBackend* SharedPostgres() {
  static std::unique_ptr<PostgresBackend> pg = PostgresBackend::Start();
  return pg.get();
}

std::vector<StateBackend*> StateBackends() {
  static SqliteBackend sqlite;
  std::vector<StateBackend*> out{&sqlite};
  if (PostgresBackend* pg = SharedPostgres()) out.push_back(pg);
  return out;
}

}  // namespace idsync::testing
