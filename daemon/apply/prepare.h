// Planning and applying as two steps, for a plan a person reads before it runs: the
// confirmation on a terminal, and saved plans (`plan --out`, `apply --plan`).
//
// PrepareAll lists and plans every selected platform and sends nothing that changes a
// platform. ApplyPrepared then executes exactly those plans, reusing those listings,
// so what runs is what was shown. Between the two, the caller may ask, or compare
// with a saved plan (daemon/cli/saved_plan.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/apply/reconciler.h"
#include "daemon/apply/session.h"

namespace idsync {

struct PreparedPlatform {
  const PlatformConfig* config = nullptr;
  Connection connection;          // no connector when the platform failed to connect
  std::optional<LiveState> live;  // absent when connecting or listing failed
  std::string fingerprint;        // LiveFingerprint(*live); empty without a listing
  PlatformOutcome planned;        // its plan, or plan.error saying why there is none
};

// A digest of a listing (sha256 hex over every user's email, id, status and grants,
// sorted by email, and the platform's catalog): equal when the live users are.
std::string LiveFingerprint(const LiveState& live);

// Lists and plans every selected platform, one after another; a failing one never
// stops the others. `plan` carries --allow-removals.
std::vector<PreparedPlatform> PrepareAll(Session& session, const PlanOptions& plan, Env& env);

// The plans, as one Plan (for Render).
Plan PlanOf(const std::vector<PreparedPlatform>& prepared);

// Executes each prepared plan (journalled, as ReconcilePlatform does). A platform that
// failed to prepare keeps its error and is not touched. `options.apply` is implied.
std::vector<PlatformOutcome> ApplyPrepared(Session& session, std::vector<PreparedPlatform>& prepared,
                                           ReconcileOptions options, Env& env);

}  // namespace idsync
