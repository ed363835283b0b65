// plan, apply and export end to end in one process: the real session, reconciler,
// executor, SCIM connector and SQLite store, over an in-memory SCIM provider
// (tests/apply/fake_scim.h) and a fixed clock, both given through the Env. No socket,
// no child process, no sleep.
#include <doctest/doctest.h>

#include <iostream>
#include <set>
#include <sstream>

#include "config/loader.h"
#include "daemon/apply/session.h"
#include "daemon/cli/commands.h"
#include "reconcile/render.h"
#include "tests/apply/fake_scim.h"
#include "tests/support/fake_env.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

// Forwards to a provider the test owns (the Env hands out owned transports).
class Borrowed final : public HttpClient {
 public:
  explicit Borrowed(HttpClient& inner) : inner_(inner) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override { return inner_.Send(request); }

 private:
  HttpClient& inner_;
};

// The test's world: every platform talks to `scim`, every credential is "token", the
// wall clock stands still at FakeEnv's start.
class ScimEnv final : public testing::FakeEnv {
 public:
  ScimEnv(Env& system, testing::FakeScim& scim) : FakeEnv(system), scim_(scim) {}
  PlatformTransport TransportFor(const PlatformConfig&) override {
    return PlatformTransport{std::make_unique<Borrowed>(scim_), nullptr};
  }
  StatusOr<std::string> ReadSecret(const PlatformConfig&, const std::string&) override {
    return std::string("token");
  }

 private:
  testing::FakeScim& scim_;
};

struct World {
  testing::TempDir dir{"idsync-apply"};
  testing::FakeScim scim;
  std::unique_ptr<Env> system = SystemEnv();
  ScimEnv env{*system, scim};

  std::string WriteManifest(const std::string& users) {
    return dir.Write("idsync.yaml", std::string("version: 1\nplatforms:\n  app:\n    type: scim\n    url: ") +
                                        testing::FakeScim::kBase +
                                        "\n    credentials:\n      token: { env: SCIM_TOKEN }\n"
                                        "roles:\n"
                                        "  eng: { app: { groups: [Engineering] } }\n"
                                        "users:\n" + users);
  }
  Session Open(const std::string& users) {
    LoadResult loaded = LoadManifest({WriteManifest(users)});
    for (const auto& d : loaded.diagnostics) INFO(ToString(d));
    REQUIRE(loaded.ok());
    auto session = OpenSession(std::move(*loaded.manifest), SessionOptions{{}, dir.File("state.db")}, env);
    REQUIRE(session.ok());
    return std::move(*session);
  }
  // One `apply` as the CLI runs it: a run begun, every platform reconciled.
  PlatformOutcome Apply(const std::string& users) {
    Session session = Open(users);
    auto run = session.store->BeginRun("apply", session.manifest.digest, "", env.NowUnix());
    REQUIRE(run.ok());
    ReconcileOptions options;
    options.apply = true;
    options.run_id = *run;
    auto outcomes = ReconcileAll(session, options, env);
    REQUIRE(outcomes.size() == 1);
    return outcomes.front();
  }
  PlatformOutcome Plan(const std::string& users) {
    Session session = Open(users);
    auto outcomes = ReconcileAll(session, ReconcileOptions{}, env);
    REQUIRE(outcomes.size() == 1);
    return outcomes.front();
  }
};

std::vector<std::string> Verbs(const PlatformPlan& plan) {
  std::vector<std::string> out;
  for (const auto& a : plan.actions) out.push_back(std::string(VerbName(a.verb)) + " " + a.email);
  return out;
}

const char* kTwoUsers =
    "  - { email: alice@acme.io, roles: [eng] }\n"
    "  - { email: bob@acme.io, roles: [eng] }\n";

}  // namespace

TEST_CASE("plan shows what apply then does, and a second apply sends nothing") {
  World w;
  w.scim.AddUser("bob@acme.io", {"Engineering"});
  PlatformOutcome plan = w.Plan(kTwoUsers);
  INFO(plan.plan.error.message());
  CHECK(Verbs(plan.plan) == std::vector<std::string>{"invite alice@acme.io", "adopt bob@acme.io"});
  CHECK(w.scim.Requests("POST") == 0);

  PlatformOutcome first = w.Apply(kTwoUsers);
  INFO(first.plan.error.message());
  CHECK(first.failures.empty());
  CHECK(first.succeeded == 2);
  CHECK(w.scim.CountOf("alice@acme.io") == 1);
  CHECK(w.scim.InGroup("alice@acme.io", "Engineering"));

  const int posts = w.scim.Requests("POST"), patches = w.scim.Requests("PATCH");
  PlatformOutcome second = w.Apply(kTwoUsers);
  CHECK(second.plan.changes() == 0);
  CHECK(w.scim.Requests("POST") == posts);
  CHECK(w.scim.Requests("PATCH") == patches);
}

TEST_CASE("a session holds the resolved users, and the manifest's own users no longer") {
  World w;
  Session session = w.Open(kTwoUsers);
  CHECK(session.manifest.users.empty());  // freed once resolved
  REQUIRE(session.desired.count("app"));
  CHECK(session.desired.at("app").size() == 2);
  CHECK(session.desired.at("app").at("bob@acme.io").grants.set == std::set<std::string>{"Engineering"});
  CHECK_FALSE(session.manifest.digest.empty());  // what a run records is kept
  CHECK(session.manifest.files.size() == 1);
  REQUIRE(session.selected.size() == 1);
  CHECK(session.selected.front()->name == "app");
}

TEST_CASE("an apply killed after its journal write resumes without a duplicate") {
  World w;
  const char* alice = "  - { email: alice@acme.io, roles: [eng] }\n";
  // The provider creates alice, then the answer is lost: as if the process died after
  // the journal row and the request, before the answer.
  w.scim.FailAfterNextCreate();
  PlatformOutcome first = w.Apply(alice);
  REQUIRE(first.failures.size() == 1);
  CHECK(first.failures.front().action.email == "alice@acme.io");
  CHECK(w.scim.CountOf("alice@acme.io") == 1);

  PlatformOutcome second = w.Apply(alice);
  INFO(second.plan.error.message());
  CHECK(second.failures.empty());
  CHECK(Verbs(second.plan) == std::vector<std::string>{"adopt alice@acme.io", "grant alice@acme.io"});
  CHECK(w.scim.Requests("POST") == 1);  // never created twice
  CHECK(w.scim.CountOf("alice@acme.io") == 1);
  CHECK(w.scim.InGroup("alice@acme.io", "Engineering"));

  auto store = w.env.OpenStore(w.dir.File("state.db"), StoreAccess::kReadOnly);
  REQUIRE(store.ok());
  auto history = (*store)->History(HistoryQuery{});
  REQUIRE(history.ok());
  std::vector<std::string> rows;
  for (const auto& e : *history) rows.push_back(e.action + " " + JournalStatusName(e.status));
  CHECK(rows == std::vector<std::string>{"grant succeeded", "adopt succeeded", "invite failed"});
}

TEST_CASE("export prints the live users as a manifest stamped with the Env's clock") {
  World w;
  w.scim.AddUser("bob@acme.io", {"Engineering"});
  ExportArgs args;
  args.manifest.files = {w.WriteManifest(kTwoUsers)};
  args.manifest.platforms = {"app"};
  args.manifest.state = w.dir.File("state.db");
  w.env.SetWallUnix(1'700'000'000);
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  int code = CmdExport(args, w.env);
  std::cout.rdbuf(old);
  CHECK(code == 0);
  INFO(out.str());
  CHECK(out.str().find("2023-11-14T22:13:20Z") != std::string::npos);
  CHECK(out.str().find("bob@acme.io") != std::string::npos);
  CHECK(out.str().find("alice@acme.io") == std::string::npos);
  CHECK(w.scim.Requests("POST") + w.scim.Requests("PATCH") + w.scim.Requests("DELETE") == 0);
}

}  // namespace idsync
