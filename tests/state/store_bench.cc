// Not a test: journal throughput of each backend (JournalBegin + JournalFinish, the
// two writes around every request), one thread and eight, plus PostgreSQL with the
// leadership fence. Prints one line per figure. Figures in BENCHMARKS.md.
// With `adopts N [sqlite|postgres]`: one RecordAdopts of N adoptions (the first apply
// against an org that already has every user), its wall and CPU seconds.
//
//   cmake --build build --target state_bench && build/tests/state/state_bench [N]
//   build/tests/state/state_bench adopts 100000 sqlite
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "state/store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/postgres.h"

namespace idsync {
namespace {

// Runs `n` begin+finish pairs spread over `threads` threads; returns pairs per second.
double Measure(Store& store, int n, int threads, const std::string& platform) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < n; i += threads) {
        Action a;
        a.platform = platform;
        a.email = "u" + std::to_string(i) + "@acme.io";
        a.verb = Verb::kInvite;
        StatusOr<int64_t> id = store.JournalBegin(0, a, i);
        Status s = id.ok() ? store.JournalFinish(*id, JournalStatus::kSucceeded, "", 1, i)
                           : id.status();
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          std::exit(1);
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return n / secs;
}

std::unique_ptr<Store> MustOpen(const std::string& location) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(location);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// One RecordAdopts of `n` workspace adoptions shaped like a real plan's.
void MeasureAdopts(Store& store, int n, const char* backend) {
  std::vector<Action> actions(static_cast<std::size_t>(n));
  std::vector<Adoption> adoptions;
  for (int i = 0; i < n; ++i) {
    char email[32];
    std::snprintf(email, sizeof email, "u%06d@example.com", i);
    Action& a = actions[static_cast<std::size_t>(i)];
    a.platform = "ws";
    a.email = email;
    a.verb = Verb::kAdopt;
    a.user_id = std::string(64, 'a' + static_cast<char>(i % 26));
    a.before.single = a.after.single = "DEVELOPER";
    a.profile.email_as_written = email;
    a.profile.name = "User " + std::to_string(i);
    a.reason = "already on ws; not yet managed by idsync";
    ManagedAccount m;
    m.platform = a.platform;
    m.email = a.email;
    m.user_id = a.user_id;
    m.grants = a.before;
    m.first_managed = m.last_seen = 1;
    adoptions.push_back({&a, std::move(m)});
  }
  StatusOr<int64_t> run = store.BeginRun("apply", "d", "", 1);
  const double cpu = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  Status s = run.ok() ? store.RecordAdopts(*run, adoptions, 1) : run.status();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
  std::printf("%-10s RecordAdopts of %d: %.2f s wall, %.2f s CPU\n", backend, n, wall,
              CpuSeconds() - cpu);
}

void Report(const char* backend, const char* what, int n, double per_second) {
  std::printf("%-10s %-28s %6d pairs  %8.0f begin+finish/s\n", backend, what, n, per_second);
}

}  // namespace
}  // namespace idsync

int main(int argc, char** argv) {
  using namespace idsync;
  if (argc > 2 && std::strcmp(argv[1], "adopts") == 0) {
    const int n = std::atoi(argv[2]);
    const std::string only = argc > 3 ? argv[3] : "";
    if (only != "postgres") {
      testing::TempDir dir;
      MeasureAdopts(*MustOpen(dir.File("state.db")), n, "sqlite");
    }
    if (only != "sqlite") {
      testing::PostgresCluster cluster(testing::PostgresCluster::Options{true});
      MeasureAdopts(*MustOpen(cluster.NewDatabase()), n, "postgres");
    }
    return 0;
  }
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  {
    testing::TempDir dir;
    auto store = MustOpen(dir.File("state.db"));
    Report("sqlite", "1 thread", n, Measure(*store, n, 1, "p1"));
    Report("sqlite", "8 threads", n, Measure(*store, n, 8, "p8"));
  }
  // The server's durable defaults (fsync, synchronous_commit on), as in production.
  testing::PostgresCluster cluster(testing::PostgresCluster::Options{true});
  const std::string uri = cluster.NewDatabase();
  auto store = MustOpen(uri);
  // WAL syncs the server counted (pg_stat_wal, PostgreSQL 14+): about one per begin
  // shows that finishes do not wait for a flush.
  const std::string syncs_before = cluster.Query(uri, "SELECT wal_sync FROM pg_stat_wal");
  Report("postgres", "1 thread", n, Measure(*store, n, 1, "p1"));
  store.reset();  // its statistics reach pg_stat_wal when the session ends
  store = MustOpen(uri);
  std::printf("postgres   WAL syncs during the 1-thread run: %lld\n",
              std::stoll(cluster.Query(uri, "SELECT wal_sync FROM pg_stat_wal")) -
                  std::stoll(syncs_before));
  Report("postgres", "8 threads (one session)", n, Measure(*store, n, 8, "p8"));
  auto lock = store->Lock("fenced", {"bench", {}});
  if (!lock.ok()) return 1;
  Report("postgres", "1 thread, fenced", n, Measure(*store, n, 1, "fenced"));
  return 0;
}
