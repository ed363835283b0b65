// Executing one platform's plan (SPEC §3): every action journalled before its request
// and completed after, independent users in parallel, each user's actions in plan order.
//
// Order: the actions of one user run one after another in plan order (an invite before
// its grant change), and once one fails the rest of that user's are skipped. Different
// users run concurrently, on up to `concurrency` threads. Offboarding (retire and remove,
// suspensions included) runs last, after every other action of the plan has finished;
// a user whose earlier action failed is not offboarded in that run. With concurrency 1 everything runs on the
// calling thread, one user after another.
//
// Adopts send nothing: they are all recorded first, with one Store::RecordAdopts (one
// transaction, one sync), before any request; an adopt is always its user's first action.
//
// Partial failure: a failed action is reported in PlatformOutcome::failures with the
// platform's message and its journal row says failed; the actions that succeeded stand,
// and the next reconcile plans what is still missing.
//
// Thread-safety: `connector` and `store` must be safe to call from several threads (they
// are); `options.progress` and `env` are called from the worker threads, one call at
// a time.
#pragma once

#include "connectors/connector.h"
#include "daemon/apply/reconciler.h"
#include "state/store.h"

namespace idsync {

// Runs the kApply actions of out.plan and records the deferred and held ones, filling
// out's counters and failures. `managed` is the platform's managed accounts before: read,
// never copied, so it must outlive the call unchanged.
void ExecutePlan(PlatformOutcome& out, Connector& connector, Store& store,
                 const ManagedAccounts& managed, int concurrency, const ReconcileOptions& options,
                 Env& env);

}  // namespace idsync
