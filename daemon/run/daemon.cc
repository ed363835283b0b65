#include "daemon/run/daemon.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

#include "config/resolve.h"
#include "daemon/apply/reconciler.h"
#include "daemon/apply/session.h"
#include "core/text.h"
#include "daemon/run/manifest_watch.h"

namespace idsync {

Daemon::Daemon(DaemonOptions options, Env& env)
    : options_(std::move(options)), env_(env), manifest_(options_.files) {}

Daemon::~Daemon() = default;

void Daemon::AddWorkers() {
  auto current = manifest_.Current();
  if (!current || !workers_) return;
  for (const auto& [name, p] : current->manifest.platforms) {
    {
      std::lock_guard lock(reports_mu_);
      if (!reports_.count(name)) reports_[name].type = std::string(PlatformTypeName(p.type));
    }
    if (leadership_) leadership_->Add(name);
    workers_->Add(name);
  }
}

void Daemon::OnManifestEvent(bool force_reconcile) {
  std::lock_guard lock(reload_mu_);
  ReloadResult r = manifest_.Reload();
  metrics_.SetManifestValid(manifest_.valid());
  if (r == ReloadResult::kChanged) {
    // Existing platforms are triggered; a platform added now is due at once anyway.
    // In the other order a new worker that had already begun its first reconcile
    // counted the trigger as a change during it and reconciled a second time.
    if (workers_) workers_->TriggerAll();
    AddWorkers();
    RemoveGoneWorkers();
    if (store_ && !ready_.exchange(true)) {
      spdlog::info("run: ready");
      notifier_.Ready();
    }
  } else if (force_reconcile && workers_) {
    workers_->TriggerAll();
  }
}

void Daemon::RemoveGoneWorkers() {
  auto current = manifest_.Current();
  if (!current || !workers_) return;
  for (const auto& [name, timing] : workers_->Timings()) {
    if (current->manifest.platforms.count(name)) continue;
    spdlog::info("{}: gone from the manifest: its worker stops and its gauges are dropped", name);
    workers_->Remove(name);
    metrics_.DropPlatform(name);
    std::lock_guard lock(reports_mu_);
    reports_.erase(name);
  }
}

void Daemon::Publish(const std::string& platform, PlatformType type, const PlatformOutcome& outcome,
                     double took, int64_t managed, int64_t now,
                     std::optional<int64_t> next_expiry) {
  std::string error = outcome.plan.error.message();
  if (error.empty() && !outcome.failures.empty())
    error = VerbName(outcome.failures.front().action.verb) + std::string(" ") +
            outcome.failures.front().action.email + ": " + outcome.failures.front().error.message();
  {
    std::lock_guard lock(reports_mu_);
    Report& r = reports_[platform];
    r.type = std::string(PlatformTypeName(type));
    r.result = outcome.result();
    r.at = now;
    if (!outcome.failed()) r.last_success = now;
    r.duration_seconds = took;
    r.succeeded = outcome.succeeded;
    r.failed = outcome.failures.size();
    r.deferred = outcome.deferred;
    r.held = outcome.held;
    r.unmanaged = outcome.plan.unmanaged.size();
    r.drift = outcome.drift;
    r.managed = managed;
    r.error = error;
    r.next_expiry = next_expiry;
  }
  if (outcome.failed()) {
    spdlog::error("{}: reconcile failed in {:.2f}s: {}", platform, took, error);
  } else {
    spdlog::info("{}: reconcile {} in {:.2f}s: {} succeeded, {} deferred, {} held{}", platform,
                 outcome.result(), took, outcome.succeeded, outcome.deferred, outcome.held,
                 outcome.cancelled ? ", " + std::to_string(outcome.cancelled) + " not started (stopping)" : "");
  }
  notifier_.Status(platform + ": " + outcome.result() + " (" + std::to_string(outcome.succeeded) +
                   " succeeded, " + std::to_string(outcome.failures.size()) + " failed)");
}

bool Daemon::ReconcileOne(const std::string& platform) {
  auto current = manifest_.Current();
  if (!current) return false;
  auto it = current->manifest.platforms.find(platform);
  if (it == current->manifest.platforms.end()) return true;  // being removed (RemoveGoneWorkers)
  const PlatformConfig& config = it->second;
  if (!Leads(platform)) return true;  // standby: the leader reconciles; taking over triggers us
  static const DesiredUsers kNone;
  auto desired_it = current->desired.find(platform);
  const DesiredUsers& desired = desired_it == current->desired.end() ? kNone : desired_it->second;

  auto started = env_.SteadyNow();
  auto run = store_->BeginRun("run", current->manifest.digest, current->commit, env_.NowUnix());
  PlatformOutcome outcome;
  outcome.plan.platform = platform;
  outcome.plan.type = config.type;
  std::map<int, uint64_t> api_seen;
  if (!run.ok()) {
    outcome.plan.error = run.status().WithContext("state");
  } else if (auto connection = Connect(config, env_); !connection.ok()) {
    outcome.plan.error = connection.status();
  } else {
    ReconcileOptions options;
    options.apply = true;
    options.run_id = *run;
    options.cancel = &stopping_;
    outcome = ReconcilePlatform(config, desired, *connection->connector, *store_, options, env_);
    if (connection->http.counters)
      metrics_.AddApiRequests(platform, connection->http.counters->Snapshot(), api_seen);
  }
  std::chrono::duration<double> took = env_.SteadyNow() - started;
  int64_t now = env_.NowUnix();
  int64_t managed = 0;
  if (auto m = store_->Managed(platform); m.ok()) managed = static_cast<int64_t>(m->size());
  if (run.ok()) {
    if (Status s = store_->FinishRun(*run, outcome.result(), now); !s.ok())
      spdlog::warn("{}: run {} stays open (recording its result {} failed: {})", platform, *run,
                   outcome.result(), s.message());
  }
  if (auto latest = manifest_.Current(); !latest || !latest->manifest.platforms.count(platform))
    return !outcome.failed();  // removed while it ran: no gauge or status comes back
  metrics_.RecordReconcile(platform, outcome, took, managed, now);
  const std::optional<int64_t> next_expiry = NextExpiry(desired, now);  // SPEC §5: wake for it
  metrics_.SetNextExpiry(platform, next_expiry);
  if (next_expiry && workers_)
    workers_->WakeBy(platform, env_.SteadyNow() + std::chrono::seconds(*next_expiry - now));
  if (leadership_ && outcome.failed()) leadership_->Recheck(platform);  // fenced?

  Publish(platform, config.type, outcome, took.count(), managed, now, next_expiry);
  return !outcome.failed();
}

nlohmann::json Daemon::StatusJson() const {
  nlohmann::json platforms = nlohmann::json::array();
  std::map<std::string, PlatformTiming> timings = workers_ ? workers_->Timings() : decltype(timings){};
  const std::map<std::string, Leadership::View> leaders = LeaderViews();
  SteadyTime steady = env_.SteadyNow();
  int64_t wall = env_.NowUnix();
  std::lock_guard lock(reports_mu_);
  for (const auto& [name, r] : reports_) {
    nlohmann::json next = nullptr;
    auto t = timings.find(name);
    if (t != timings.end() && !t->second.running && t->second.due != SteadyTime::max()) {
      auto in = std::chrono::duration_cast<std::chrono::seconds>(t->second.due - steady).count();
      next = wall + std::max<int64_t>(0, in);
    }
    platforms.push_back({
        {"name", name},
        {"type", r.type},
        {"last_result", r.result},
        {"last_run", r.at ? nlohmann::json(r.at) : nlohmann::json(nullptr)},
        {"last_success", r.last_success ? nlohmann::json(r.last_success) : nlohmann::json(nullptr)},
        {"duration_seconds", r.duration_seconds},
        {"running", t != timings.end() && t->second.running},
        {"consecutive_failures", t != timings.end() ? t->second.failures : 0},
        {"next_run", next},
        {"next_expiry", r.next_expiry ? nlohmann::json(*r.next_expiry) : nlohmann::json(nullptr)},
        {"last_error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
        {"leader", leaders.count(name) ? leaders.at(name).leader : false},
        {"leader_identity", leaders.count(name) && !leaders.at(name).holder.empty()
                                ? nlohmann::json(leaders.at(name).holder) : nlohmann::json(nullptr)},
        {"counts",
         {{"succeeded", r.succeeded}, {"failed", r.failed}, {"deferred", r.deferred},
          {"held", r.held}, {"managed", r.managed}, {"unmanaged", r.unmanaged}, {"drift", r.drift}}},
    });
  }
  auto current = manifest_.Current();
  nlohmann::json manifest = {{"valid", manifest_.valid()}, {"errors", manifest_.errors()}};
  manifest["digest"] = current ? nlohmann::json(current->manifest.digest) : nlohmann::json(nullptr);
  return {{"ready", ready()}, {"manifest", manifest}, {"platforms", platforms}};
}

int Daemon::Run(SignalEvents& signals) {
  auto store = env_.OpenStore(options_.state, StoreAccess::kReadWrite);
  if (!store.ok()) {
    spdlog::error("run: {}", store.status().message());
    return 1;
  }
  store_ = std::move(*store);
  if (Status s = StartLeadership(); !s.ok()) {
    spdlog::error("run: {}", s.message());
    return 1;
  }

  ApiServer api(ApiHandlers{[this] { return ready(); }, [this] {
                              UpdateLeaderMetrics();
                              return metrics_.Serialize();
                            },
                            [this] { return StatusJson(); },
                            [this] {
                              spdlog::info("run: reconcile requested over HTTP");
                              if (workers_) workers_->TriggerAll();
                            }},
                options_.token);
  if (Status s = api.Listen(options_.listen); !s.ok()) {
    spdlog::error("run: {}", s.message());
    return 1;
  }
  spdlog::info("run: listening on {}:{}", options_.listen.host, api.port());
  if (!options_.port_file.empty()) std::ofstream(options_.port_file) << api.port() << '\n';

  workers_ = std::make_unique<Workers>(options_.schedule, LoopEnvOf(env_),
                                       [this](const std::string& p) { return ReconcileOne(p); });
  // Watching starts before the first load: a change made at any time after it is seen
  // (in the other order, one made between the load and the watch was lost until SIGHUP).
  ManifestWatcher watcher(options_.files, [this] { OnManifestEvent(false); });
  if (Status s = watcher.Start(); !s.ok())
    spdlog::warn("run: manifest changes will not be seen until SIGHUP: {}", s.message());
  OnManifestEvent(false);
  if (leadership_) leadership_->Start();
  api.Start();

  ServeUntilStopped(signals);
  watcher.Stop();
  int code = Shutdown(signals);
  api.Stop();
  return code;
}

void Daemon::ServeUntilStopped(SignalEvents& signals) {
  auto watchdog = Notifier::WatchdogPeriod();
  if (watchdog) PingIfProgressing();
  auto next_ping = env_.SteadyNow() + (watchdog ? *watchdog : std::chrono::hours(1));
  for (;;) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_ping - env_.SteadyNow());
    auto sig = signals.Wait(std::clamp(wait, std::chrono::milliseconds(0), std::chrono::milliseconds(1000)));
    PruneIfDue();
    if (watchdog && env_.SteadyNow() >= next_ping) {
      PingIfProgressing();
      next_ping = env_.SteadyNow() + *watchdog;
    }
    if (!sig) continue;
    if (*sig == SIGHUP) {
      spdlog::info("run: SIGHUP: reloading the manifest and reconciling every platform");
      OnManifestEvent(true);
      continue;
    }
    spdlog::info("run: {}: stopping; no new actions start", strsignal(*sig));
    return;
  }
}

void Daemon::PruneIfDue() {
  const auto now = env_.SteadyNow();
  if (now < next_prune_) return;
  next_prune_ = now + std::chrono::hours(24);
  const int64_t cutoff =
      env_.NowUnix() - std::chrono::duration_cast<std::chrono::seconds>(options_.retention).count();
  auto pruned = store_->Prune(cutoff);
  if (!pruned.ok()) {
    spdlog::warn("run: pruning the state DB: {}", pruned.status().message());
  } else {
    spdlog::info("run: pruned {} journal row(s) and run(s) older than {} (retention)", *pruned,
                 FormatDuration(options_.retention));
  }
}

void Daemon::PingIfProgressing() {
  const std::string stuck =
      workers_ ? StuckWorkers(workers_->Timings(), env_.SteadyNow(), options_.stuck_after) : "";
  if (stuck.empty()) {
    if (stuck_) spdlog::info("run: every worker makes progress again; watchdog pings resume");
    stuck_ = false;
    notifier_.Watchdog();
    return;
  }
  if (!stuck_) {  // said once, not at every period
    spdlog::error("run: stuck: {}; watchdog pings stop so the service manager can restart idsync", stuck);
    notifier_.Status("stuck: " + stuck);
    stuck_ = true;
  }
}

int Daemon::Shutdown(SignalEvents& signals) {
  notifier_.Stopping();
  stopping_ = true;
  if (leadership_) leadership_->Stop();
  workers_->Stop();
  auto deadline = env_.SteadyNow() + options_.shutdown_grace;
  while (!workers_->WaitStopped(std::chrono::milliseconds(50))) {
    if (auto sig = signals.Wait(std::chrono::milliseconds(0)); sig && *sig != SIGHUP) {
      spdlog::warn("run: second signal: exiting at once; the journal holds what was in flight");
      spdlog::default_logger()->flush();
      std::_Exit(1);
    }
    if (env_.SteadyNow() >= deadline) {
      spdlog::warn("run: in-flight requests did not end within {} ms; exiting, their journal "
                   "rows stay pending and are settled by the next reconcile",
                   options_.shutdown_grace.count());
      spdlog::default_logger()->flush();
      std::_Exit(0);
    }
  }
  spdlog::info("run: stopped");
  return 0;
}

}  // namespace idsync
