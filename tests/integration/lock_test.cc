// Exclusive appliers and read-only readers (SPEC §4, issue 14 item 3), on each state
// backend: the real idsync binary, the real idsync-sim, a real SQLite file and a real
// throwaway PostgreSQL cluster (tests/integration/state_backends.h).
//
//   - `apply` and `run` hold the state's lock; a second applier exits 1 at once with a
//     message containing "lock" and the holder's identity, and sends nothing;
//   - `--lock-timeout` waits for the holder instead;
//   - `plan`, `status`, `history` and `export` take no lock and never write the state.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "tests/integration/daemon_process.h"
#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"
#include "tests/integration/state_backends.h"

namespace idsync::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const std::string kSeed = WsSeed(kBobBuilder);

struct Fixture {
  explicit Fixture(StateBackend& backend) : state(backend.NewState(dir)) {
    dir.Write("idsync.yaml", WsEngineers(sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  }
  Sim sim{kSeed};
  // dir: the holder's manifest (it watches it); other: the second command's manifest.
  TempDir dir, other, holder_dir, waiter_dir;
  std::string state;
  std::map<std::string, std::string> env = kWsEnv;

  std::string ManifestPath() const { return dir.path() + "/idsync.yaml"; }
  std::string Other(const std::string& users) { return other.Write("idsync.yaml", WsEngineers(sim, users)); }
  // `command -f OTHER --state STATE extra...`
  RunResult Run(const std::string& command, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {command, "-f", other.path() + "/idsync.yaml", "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    return Idsync(args, env);
  }
  // `idsync run --identity holder-one` holding the state's lock, its first reconcile done.
  std::unique_ptr<DaemonProcess> Holder() {
    auto d = std::make_unique<DaemonProcess>(
        holder_dir, std::vector<std::string>{"-f", ManifestPath(), "--state", state, "--interval", "1h",
                                             "--identity", "holder-one"},
        env);
    bool reconciled = Eventually([&] {
      nlohmann::json p = d->PlatformStatus("ws");
      return p.is_object() && p["last_result"] != "pending";
    });
    REQUIRE_MESSAGE(reconciled, d->Stderr());
    return d;
  }
  int Requests() { return sim.Counters()["workspace"].value("requests", 0); }
};

}  // namespace

TEST_CASE("a second apply is refused at once, names the lock's holder, and sends nothing") {
  for (StateBackend* backend : StateBackends()) {
    CAPTURE(backend->Name());
    Fixture f(*backend);
    auto holder = f.Holder();
    f.Other("  - { email: alice@acme.io, roles: [engineer] }\n");
    const int before = f.Requests();
    RunResult second = f.Run("apply");
    CHECK(second.exit_code == 1);
    CHECK(Has(second.err, "lock"));
    CHECK(Has(second.err, "holder-one"));
    CHECK(f.Requests() == before);
  }
}

TEST_CASE("a second idsync run on a SQLite state is refused at once") {
  SqliteBackend backend;
  Fixture f(backend);
  auto holder = f.Holder();
  RunResult second = Idsync({"run", "-f", f.ManifestPath(), "--state", f.state, "--listen", "127.0.0.1:0"}, f.env);
  CHECK(second.exit_code == 1);
  CHECK(Has(second.err, "lock"));
  CHECK(Has(second.err, "holder-one"));
}

TEST_CASE("apply --lock-timeout waits for the holder and then applies") {
  for (StateBackend* backend : StateBackends()) {
    CAPTURE(backend->Name());
    Fixture f(*backend);
    auto holder = f.Holder();
    const std::string other = f.Other("  - { email: bob@acme.io, roles: [engineer] }\n"
                                      "  - { email: alice@acme.io, roles: [engineer] }\n");
    // The waiting apply is a process of its own; its stderr says it waits.
    pid_t waiter = SpawnIdsync({"apply", "-f", other, "--state", f.state, "--lock-timeout", "2m"},
                               f.env, f.waiter_dir.path());
    const std::string err_path = f.waiter_dir.path() + "/idsync.err";
    bool waiting = Eventually([&] { return Has(SlurpFile(err_path), "waiting"); }, milliseconds(20'000));
    CHECK_MESSAGE(waiting, SlurpFile(err_path));
    CHECK(f.sim.Counters()["workspace"].value("inviteUser", 0) == 0);
    holder->Signal(SIGTERM);
    CHECK(holder->Wait() == std::optional<int>(0));
    int status = -1;
    REQUIRE(waitpid(waiter, &status, 0) == waiter);
    INFO(SlurpFile(err_path));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(f.sim.Counters()["workspace"].value("inviteUser", 0) == 1);
  }
}

TEST_CASE("apply --lock-timeout gives up after the timeout with the lock message") {
  for (StateBackend* backend : StateBackends()) {
    CAPTURE(backend->Name());
    Fixture f(*backend);
    auto holder = f.Holder();
    f.Other("  - { email: alice@acme.io, roles: [engineer] }\n");
    RunResult late = f.Run("apply", {"--lock-timeout", "1s"});
    CHECK(late.exit_code == 1);
    CHECK(Has(late.err, "lock"));
    CHECK(Has(late.err, "holder-one"));
    RunResult bad = f.Run("apply", {"--lock-timeout", "soon"});
    CHECK(bad.exit_code == 1);
    CHECK(Has(bad.err, "--lock-timeout"));
  }
}

TEST_CASE("plan, status, history and export read a locked state and never write it") {
  for (StateBackend* backend : StateBackends()) {
    CAPTURE(backend->Name());
    Fixture f(*backend);
    auto holder = f.Holder();
    const std::string before = backend->Fingerprint(f.state);
    f.Other("  - { email: alice@acme.io, roles: [engineer] }\n");
    RunResult plan = f.Run("plan", {"--detailed-exitcode"});
    INFO(plan.err);
    CHECK(plan.exit_code == 2);  // bob (adopted by the holder) is retired, alice invited
    CHECK(Has(plan.out, "alice@acme.io"));
    CHECK(Has(plan.out, "retire"));
    RunResult status = Idsync({"status", "--state", f.state, "--format", "json"});
    CHECK(status.exit_code == 0);
    CHECK(Has(status.out, "\"ws\""));
    RunResult history = Idsync({"history", "--state", f.state, "--format", "json"});
    CHECK(history.exit_code == 0);
    RunResult exported = f.Run("export", {"--platform", "ws"});
    CHECK(exported.exit_code == 0);
    CHECK(Has(exported.out, "bob@acme.io"));
    CHECK(backend->Fingerprint(f.state) == before);
  }
}

TEST_CASE("readers work with read-only access to the state") {
  for (StateBackend* backend : StateBackends()) {
    CAPTURE(backend->Name());
    Fixture f(*backend);
    f.Other("  - { email: bob@acme.io, roles: [engineer] }\n");
    REQUIRE(f.Run("apply").exit_code == 0);
    auto readonly = backend->ReadOnly(f.state, f.dir);
    if (readonly.empty()) {
      MESSAGE(backend->Name() << ": cannot take write access away here (running as root)");
      continue;
    }
    const std::string before = backend->Fingerprint(f.state);
    RunResult plan = Idsync({"plan", "-f", f.ManifestPath(), "--state", readonly, "--detailed-exitcode"}, f.env);
    INFO(plan.err);
    CHECK(plan.exit_code == 0);
    CHECK(Idsync({"status", "--state", readonly}).exit_code == 0);
    CHECK(Idsync({"history", "--state", readonly}).exit_code == 0);
    CHECK(Idsync({"export", "-f", f.ManifestPath(), "--platform", "ws", "--state", readonly}, f.env).exit_code == 0);
    RunResult apply = Idsync({"apply", "-f", f.ManifestPath(), "--state", readonly}, f.env);
    CHECK(apply.exit_code == 1);  // an applier needs write access
    CHECK(backend->Fingerprint(f.state) == before);
    backend->Restore();
  }
}

TEST_CASE("plan --state on a SQLite path that does not exist leaves no file behind") {
  Sim sim(kSeed);
  TempDir dir;
  dir.Write("idsync.yaml", WsEngineers(sim, "  - { email: bob@acme.io, roles: [engineer] }\n"));
  const std::string fresh = dir.path() + "/new.db";
  RunResult plan = Idsync({"plan", "-f", dir.path() + "/idsync.yaml", "--state", fresh},
                          kWsEnv);
  INFO(plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(Has(plan.out, "adopt"));
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(dir.path())) files.insert(e.path().filename().string());
  CHECK(files == std::set<std::string>{"idsync.yaml"});
  // status and history say there is nothing yet, and create nothing either.
  RunResult status = Idsync({"status", "--state", fresh});
  CHECK(status.exit_code == 1);
  CHECK(Has(status.err, "does not exist"));
  CHECK(Idsync({"history", "--state", fresh}).exit_code == 1);
  CHECK_FALSE(fs::exists(fresh));
}

}  // namespace idsync::testing
