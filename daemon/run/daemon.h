// `idsync run` (SPEC §5): the manifest kept current, one worker per platform instance,
// the HTTP listener, systemd notifications and the signal-driven lifecycle.
//
//   SIGHUP             reload the manifest and mark every platform pending
//   SIGTERM / SIGINT   start nothing new, let in-flight actions finish (or stay
//                      journalled) for up to 10 s, exit 0; a second signal exits 1 at once
//
// Thread-safety: Run from the main thread; the handlers it installs are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/env.h"
#include "daemon/run/http_api.h"
#include "daemon/run/leadership.h"
#include "daemon/run/manifest_state.h"
#include "daemon/run/metrics.h"
#include "daemon/run/notify.h"
#include "daemon/run/signals.h"
#include "daemon/run/workers.h"
#include "state/store.h"

namespace idsync {

struct DaemonOptions {
  std::vector<std::string> files;
  std::string state;
  ScheduleConfig schedule;
  ListenAddress listen;
  std::optional<std::string> token;  // IDSYNC_API_TOKEN
  std::string port_file;             // written once listening; "" for none
  std::string identity;              // this replica, for locks and /v1/status (--identity)
  std::chrono::milliseconds shutdown_grace{10'000};
  // The watchdog pings only while no worker is stuck longer than this (StuckWorkers).
  std::chrono::milliseconds stuck_after{3'600'000};
  // Journal rows and runs older than this are pruned (Store::Prune) at start and then
  // once a day; every user's newest row and pending rows are always kept.
  std::chrono::milliseconds retention{90LL * 86'400'000};
};

class Daemon {
 public:
  // Everything from the world (clocks, jitter, HTTP, secrets, the store) comes from
  // `env`. REQUIRES: `env` outlives the daemon.
  Daemon(DaemonOptions options, Env& env);
  ~Daemon();

  // The whole lifecycle; returns the exit code. REQUIRES: `signals` built before any
  // thread was started.
  int Run(SignalEvents& signals);

 private:
  // The last reconcile of one platform, for /v1/status.
  struct Report {
    std::string type;
    std::string result = "pending";  // until the first reconcile ends
    int64_t at = 0, last_success = 0;
    double duration_seconds = 0;
    std::size_t succeeded = 0, failed = 0, deferred = 0, held = 0, unmanaged = 0, drift = 0;
    int64_t managed = 0;
    std::string error;
    std::optional<int64_t> next_expiry;  // unix seconds
  };

  bool ReconcileOne(const std::string& platform);
  // Leadership (daemon/run/daemon_leadership.cc): SQLite: the file lock, taken once at
  // start (held elsewhere: the error); PostgreSQL: a Leadership per platform.
  Status StartLeadership();
  bool Leads(const std::string& platform) const;
  // platform -> {leader, holder}; UpdateLeaderMetrics sets idsync_leader from it.
  std::map<std::string, Leadership::View> LeaderViews() const;
  void UpdateLeaderMetrics();
  // The end of one reconcile made visible: /v1/status, the log line, sd_notify STATUS.
  void Publish(const std::string& platform, PlatformType type, const PlatformOutcome& outcome,
               double took_seconds, int64_t managed, int64_t now,
               std::optional<int64_t> next_expiry);
  void OnManifestEvent(bool force_reconcile);
  void AddWorkers();
  nlohmann::json StatusJson() const;
  bool ready() const { return ready_.load(); }
  int Shutdown(SignalEvents& signals);
  // The main loop once everything runs: prunes, pings the watchdog, reloads on SIGHUP;
  // returns at SIGTERM or SIGINT.
  void ServeUntilStopped(SignalEvents& signals);
  // Stops the workers of platforms no longer in the manifest and drops their gauges
  // and status entries (reload_mu_ held).
  void RemoveGoneWorkers();
  // Prunes the state DB when a day has passed since the last prune (main loop only).
  void PruneIfDue();
  // Sends WATCHDOG=1 only while no worker is stuck (options_.stuck_after); the main
  // loop's thread only.
  void PingIfProgressing();

  const DaemonOptions options_;
  Env& env_;
  bool stuck_ = false;  // a stuck worker was reported; main loop thread only
  SteadyTime next_prune_{};  // main loop thread only
  ManifestState manifest_;
  Metrics metrics_;
  Notifier notifier_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<StoreLock> file_lock_;     // SQLite; destroyed before store_
  std::unique_ptr<Leadership> leadership_;   // PostgreSQL; destroyed before store_
  std::unique_ptr<Workers> workers_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  std::mutex reload_mu_;  // one reload at a time: an older read never replaces a newer one
  mutable std::mutex reports_mu_;
  std::map<std::string, Report> reports_;  // guarded by reports_mu_
};

}  // namespace idsync
