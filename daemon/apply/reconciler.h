// The reconcile of one platform instance: list, plan and (for apply) execute, with
// every action journalled before its request and completed after (SPEC §3, §6).
//
// This is where the pure planner meets the network and the database; it holds no
// state of its own between calls, so the CLI and the daemon loop share it.
//
// Thread-safety: Reconcile may run for different platforms on different threads; the
// Store and each Connector are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "connectors/connector.h"
#include "core/users.h"
#include "daemon/apply/baseline.h"
#include "daemon/env.h"
#include "reconcile/plan.h"
#include "reconcile/planner.h"
#include "state/store.h"

namespace idsync {

struct ReconcileOptions {
  bool apply = false;
  PlanOptions plan;
  int64_t run_id = 0;  // REQUIRES when apply: a run begun in the Store
  // Called after each executed action (apply only): platform, done, total.
  std::function<void(const std::string&, std::size_t, std::size_t)> progress;
  // Checked before each action (apply only): once true, no further action starts and
  // the rest are counted in PlatformOutcome::cancelled. Null: never cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // `plan --baseline` (daemon/apply/baseline.h): the baseline's live users count as
  // managed for the plan. Null: none. Meant for plans (apply = false).
  const Baseline* baseline = nullptr;
  // A plan shown or saved before (daemon/apply/prepare.h): `listed` is used instead of
  // listing again, and when apply, `given_plan` is executed instead of the plan made
  // now. Both null: list and plan afresh. REQUIRES: they outlive the call.
  const LiveState* listed = nullptr;
  const PlatformPlan* given_plan = nullptr;
};

struct ActionFailure {
  Action action;
  Status error;  // why it failed, with the platform's message; never OK
};

struct PlatformOutcome {
  PlatformPlan plan;
  std::size_t succeeded = 0, deferred = 0, held = 0;
  std::vector<ActionFailure> failures;
  std::size_t drift = 0;
  std::size_t cancelled = 0;                      // actions not started (shutdown)
  std::map<std::string, std::size_t> succeeded_by_verb;  // VerbName -> count

  bool failed() const { return !plan.error.ok() || !failures.empty(); }
  // "ok", "changes", "failed" or "blocked" (for status, metrics and exit codes).
  std::string result() const;
};

// Lists the platform with what its connector may need from the state DB (managed
// accounts, the user id cache). `for_export`: every group counts as managed.
StatusOr<LiveState> ListPlatform(const PlatformConfig& config, const DesiredUsers& desired,
                                 const ManagedAccounts& managed, Connector& connector,
                                 Store& store, bool for_export = false);

// Lists the platform, resolves the desired grants through the connector, plans, and
// when options.apply executes the plan. Time comes from env.NowUnix(). Never throws; a platform-level failure (list,
// resolution, credentials) is PlatformOutcome::plan.error and nothing is applied.
PlatformOutcome ReconcilePlatform(const PlatformConfig& config, const DesiredUsers& desired,
                                  Connector& connector, Store& store,
                                  const ReconcileOptions& options, Env& env);

}  // namespace idsync
