// One leader per platform (SPEC §5 "Replicas", issue 14 items 2 and 6): two real
// `idsync run` replicas on one real, throwaway PostgreSQL cluster and the real
// idsync-sim at 20 ms latency.
//
//   failover: the leader is SIGKILLed mid-way through 300 invitations; the standby
//             takes over and finishes; every invitation reached the platform exactly
//             once (the simulator's counters) and no journal row is left pending;
//   fencing:  the leader's database session is terminated (pg_terminate_backend)
//             mid-apply, or mid-reconcile of an `idsync run` replica; from then on it
//             sends nothing (another applier or replica finishes the work, still
//             exactly once).
#include <doctest/doctest.h>
#include <signal.h>

#include <memory>
#include <string>

#include "tests/integration/daemon_process.h"
#include "tests/integration/harness.h"
#include "tests/integration/state_backends.h"

namespace idsync::testing {
namespace {

using std::chrono::milliseconds;
constexpr int kUsers = 300;

std::string User(int i) { return "u" + std::to_string(1000 + i).substr(1) + "@acme.io"; }

struct Fixture {
  explicit Fixture(PostgresBackend& pg) : pg(pg), state(pg.NewState(dir)) {
    // 20 ms per request; two at a time, so the 300 invitations take a few seconds.
    REQUIRE(sim.Post("/_sim/faults", {{"workspace", {{"latency_ms", 20}}}}).is_object());
    std::string users;
    for (int i = 0; i < kUsers; ++i) users += "  - { email: " + User(i) + ", roles: [engineer] }\n";
    dir.Write("idsync.yaml",
              "version: 1\n"
              "platforms:\n"
              "  ws:\n"
              "    type: workspace\n"
              "    url: " + sim.Url("/workspace/graphql") + "\n"
              "    concurrency: 2\n"
              "    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }\n"
              "roles:\n"
              "  engineer: { ws: DEVELOPER }\n"
              "users:\n" + users);
  }
  PostgresBackend& pg;
  Sim sim{"workspace:\n  credentials: { api_key: sim-key, api_secret: sim-secret }\n  users: []\n"};
  TempDir dir, a_dir, b_dir;
  std::string state;
  std::map<std::string, std::string> env{{"WS_KEY", "sim-key"}, {"WS_SECRET", "sim-secret"}};

  // `uri` overrides the state's URI (the same database as another role).
  std::unique_ptr<DaemonProcess> Replica(const TempDir& logs, const std::string& identity,
                                         const std::string& uri = "") {
    return std::make_unique<DaemonProcess>(
        logs, std::vector<std::string>{"-f", dir.path() + "/idsync.yaml", "--state", uri.empty() ? state : uri,
                                       "--interval", "1h", "--identity", identity},
        env);
  }
  int Invites() { return sim.Counters()["workspace"].value("inviteUser", 0); }
  int Invited() { return static_cast<int>(sim.State()["workspace"]["invitations"].size()); }
  static bool Leads(const DaemonProcess& d) {
    nlohmann::json p = d.PlatformStatus("ws");
    return p.is_object() && p["leader"] == true;
  }
  // The journal holds a succeeded invite per user and no pending row.
  void CheckJournal() {
    RunResult history = Idsync({"history", "--state", state, "--format", "json", "--limit", "100000"});
    REQUIRE_MESSAGE(history.exit_code == 0, history.err);
    int pending = 0, invites = 0;
    for (const auto& r : nlohmann::json::parse(history.out)) {
      if (r["status"] == "pending") ++pending;
      if (r["action"] == "invite" && r["status"] == "succeeded") ++invites;
    }
    CHECK(pending == 0);
    CHECK(invites >= kUsers - 2);  // at most the in-flight ones were closed as interrupted
  }
};

}  // namespace

TEST_CASE("the leader is killed mid-way; the standby finishes and every invitation is sent once") {
  PostgresBackend* pg = SharedPostgres();
  Fixture f(*pg);
  auto a = f.Replica(f.a_dir, "replica-a");
  REQUIRE_MESSAGE(Eventually([&] { return Fixture::Leads(*a); }), a->Stderr());
  auto b = f.Replica(f.b_dir, "replica-b");
  // b stands by and names a as the leader.
  REQUIRE_MESSAGE(Eventually([&] {
                    nlohmann::json p = b->PlatformStatus("ws");
                    return p.is_object() && p["leader"] == false && p["leader_identity"].is_string() &&
                           p["leader_identity"].get<std::string>().find("replica-a") != std::string::npos;
                  }),
                  (b->PlatformStatus("ws").dump() + b->Stderr()));
  REQUIRE(Eventually([&] { return f.Invites() >= kUsers / 3; }, milliseconds(60'000)));
  a->Signal(SIGKILL);
  const int at_kill = f.Invites();
  CHECK(at_kill < kUsers);  // killed mid-way
  REQUIRE_MESSAGE(Eventually([&] { return f.Invited() == kUsers; }, milliseconds(60'000)), b->Stderr());
  REQUIRE(Eventually([&] {
    nlohmann::json p = b->PlatformStatus("ws");
    return p.is_object() && p["leader"] == true && p["last_result"] != "pending" && !p["running"].get<bool>();
  }));
  auto metrics = b->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("idsync_leader{platform=\"ws\"} 1") != std::string::npos);
  // Exactly once: a second invitation of a pending one would be counted (and refused).
  CHECK(f.Invites() == kUsers);
  CHECK(f.sim.Counters()["workspace"].value("rejected", 0) == 0);
  f.CheckJournal();
}

TEST_CASE("an applier whose database session is terminated mid-apply sends nothing more") {
  PostgresBackend* pg = SharedPostgres();
  Fixture f(*pg);
  pid_t apply = SpawnIdsync({"apply", "-f", f.dir.path() + "/idsync.yaml", "--state", f.state}, f.env,
                            f.a_dir.path());
  REQUIRE(Eventually([&] { return f.Invites() >= kUsers / 3; }, milliseconds(60'000)));
  const int terminated = std::stoi(f.pg.Query(
      f.state, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
               "WHERE application_name LIKE 'idsync:%' AND pid <> pg_backend_pid()"));
  CHECK(terminated == 1);
  const int at_termination = f.Invites();
  int status = -1;
  REQUIRE(waitpid(apply, &status, 0) == apply);
  const std::string err = SlurpFile(f.a_dir.path() + "/idsync.err");
  INFO(err);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(err.find("leadership") != std::string::npos);
  // Nothing was sent after the session ended but the (at most 2) requests already
  // journalled and in flight.
  const int after = f.Invites();
  CHECK(after <= at_termination + 2);
  CHECK(after < kUsers);
  // A new applier closes the interrupted rows, re-plans from live, and finishes: every
  // invitation exactly once.
  RunResult finish = Idsync({"apply", "-f", f.dir.path() + "/idsync.yaml", "--state", f.state}, f.env);
  INFO(finish.err);
  CHECK(finish.exit_code == 0);
  CHECK(f.Invited() == kUsers);
  CHECK(f.Invites() == kUsers);
  f.CheckJournal();
}

TEST_CASE("a leading replica whose database session is terminated sends nothing more; a standby finishes") {
  PostgresBackend* pg = SharedPostgres();
  Fixture f(*pg);
  // Replica a logs in as its own role, so that once its session is terminated it can be
  // kept from logging in again (NOLOGIN): otherwise it could win the lock back at once,
  // legitimately, and the test could not tell who sends what.
  const std::string role = "fenced_replica";
  f.pg.Query(f.state, "CREATE ROLE " + role + " LOGIN SUPERUSER");  // our own name
  std::string a_uri = f.state;
  const auto at = a_uri.find("postgres@");
  REQUIRE(at != std::string::npos);
  a_uri.replace(at, 8, role);
  auto a = f.Replica(f.a_dir, "replica-a", a_uri);
  REQUIRE_MESSAGE(Eventually([&] { return Fixture::Leads(*a); }), a->Stderr());
  REQUIRE_MESSAGE(Eventually([&] { return f.Invites() >= kUsers / 3; }, milliseconds(60'000)), a->Stderr());

  f.pg.Query(f.state, "ALTER ROLE " + role + " NOLOGIN");
  const int terminated = std::stoi(f.pg.Query(
      f.state, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '" + role + "'"));
  CHECK(terminated >= 1);
  const int at_termination = f.Invites();
  // a finds out (its next journal write is refused, or its monitor sees the lock gone),
  // stands by, and its reconcile ends.
  REQUIRE_MESSAGE(Eventually([&] {
                    nlohmann::json p = a->PlatformStatus("ws");
                    return p.is_object() && p["leader"] == false && !p["running"].get<bool>();
                  }, milliseconds(30'000)),
                  (a->PlatformStatus("ws").dump() + a->Stderr()));
  CHECK(a->Running());
  // Nothing was sent after the session ended but the (at most 2) requests already
  // journalled and in flight.
  const int after = f.Invites();
  INFO("invitations at termination: " << at_termination << ", once a stood by: " << after);
  CHECK(after <= at_termination + 2);
  CHECK(after < kUsers);
  CHECK(a->Stderr().find("leadership lost") != std::string::npos);

  // A second replica takes the lock, closes a's pending rows, re-plans from live and
  // finishes: every invitation exactly once.
  auto b = f.Replica(f.b_dir, "replica-b");
  REQUIRE_MESSAGE(Eventually([&] { return f.Invited() == kUsers; }, milliseconds(60'000)), b->Stderr());
  REQUIRE(Eventually([&] {
    nlohmann::json p = b->PlatformStatus("ws");
    return p.is_object() && p["leader"] == true && p["last_result"] != "pending" && !p["running"].get<bool>();
  }));
  CHECK(Fixture::Leads(*a) == false);
  CHECK(f.Invites() == kUsers);
  CHECK(f.sim.Counters()["workspace"].value("rejected", 0) == 0);
  f.CheckJournal();
  f.pg.Query(f.state, "ALTER ROLE " + role + " LOGIN");
}

}  // namespace idsync::testing
