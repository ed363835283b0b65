// The planner (SPEC §3): desired, live and last applied in, one platform's ordered
// actions out. Pure: no I/O, no clock, no logging; the same inputs give the same plan.
//
// What the planner decides from the platform's capabilities (core/platform.h):
//   - absent live -> invite (a managed account idsync retired on a platform that
//     cannot reactivate is "disabled; invited again"); expired invitation -> reinvite
//     where invitations expire; retired live -> reactivate where possible, else invite;
//   - present but not managed -> adopt, then grants converge;
//   - grants differ -> grant (anything added or changed) or revoke (only removals);
//     on a pending invitation the platform cannot change, the action is deferred;
//   - suspended -> retire where the platform can, else remove; an invitation that
//     cannot be cancelled is deferred; an absent or retired suspended user: nothing;
//   - managed and no longer desired -> the platform's offboarding;
//   - unmanaged live accounts -> the platform's unmanaged policy;
//   - more retire/remove actions than max_removals -> all of them are held;
//   - expiry (DesiredUser::expiries up to PlanOptions::now, reconcile/expiry.h): an
//     expired user or membership counts as deleted from the manifest, and the revoke
//     or offboarding says "expired 2027-01-31 (role db-admin)".
//
// Action contents, for the applier and the connectors:
//   invite/reinvite: after = desired grants (no separate grant action follows);
//   reactivate:      before = live grants, after = desired grants: the connector
//                    makes the account active holding `after` (no grant action follows);
//   adopt:           before = after = live grants (orgadmin: after = desired, since
//                    its adopt re-asserts role and status);
//   grant/revoke:    before = live grants, after = desired grants; an orgadmin
//                    re-assertion (managed active member last asserted
//                    reassert_interval ago or more, nothing else to change) is a
//                    grant with before = after = desired grants;
//   update:          profile = desired profile, before = after = live grants; the
//                    reason names the field;
//   retire/remove:   before = live grants, after empty.
//
// Incomplete listings (LiveState::complete false, orgadmin): an account idsync
// manages is a member whether or not the listing saw it, so a managed account absent
// from live counts as present with its last applied grants (retired if idsync retired
// it), and a live account whose single-valued grant is unreadable (nullopt) is taken
// to hold the last applied one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/manifest.h"
#include "core/platform.h"
#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync {

// The parts of a platform block (config/manifest.h PlatformConfig) the planner uses.
struct PlatformPolicy {
  std::string platform{};  // instance name
  PlatformType type = PlatformType::kWorkspace;
  Offboarding offboarding = Offboarding::kRetire;
  UnmanagedPolicy unmanaged = UnmanagedPolicy::kIgnore;
  std::optional<RemovalLimit> max_removals = std::nullopt;  // unset: max(5, 10% of managed)
  // orgadmin: role and status are re-asserted when last asserted longer ago (SPEC §3,
  // orgadmin.md). Zero: never.
  int64_t reassert_interval_seconds = 0;
};

PlatformPolicy PolicyFor(const PlatformConfig& config);

struct PlanOptions {
  // `--allow-removals N`: releases a held set of at most N actions on each platform.
  std::optional<int> allow_removals = std::nullopt;
  // The time of this reconcile (unix seconds), as data, for time-based rules such as
  // orgadmin's reassert_interval and `expires:`. 0: unknown, no time-based actions.
  int64_t now = 0;
  // plan --expiring-within: expiries up to this many seconds after `now` are listed
  // in PlatformPlan::expiring.
  int64_t expiring_within = 7 * 86400;
};

// The plan for one platform instance. `desired` holds this platform's desired users
// with grants resolved to the form the listing reports (ids); `live` is the listing;
// `managed` is what idsync last applied there. Actions are in execution order:
// invite/reinvite, adopt, reactivate, grant/revoke, update, retire, remove, and by
// email within each phase. `error` is left empty (the caller sets it when it cannot
// plan a platform at all).
PlatformPlan MakePlan(const PlatformPolicy& policy, const DesiredUsers& desired,
                      const LiveState& live, const ManagedAccounts& managed,
                      const PlanOptions& options);

// The removal limit for `managed_count` managed accounts: the count, or the
// percentage of managed_count rounded down; unset: max(5, 10% rounded down).
std::size_t RemovalLimitFor(const std::optional<RemovalLimit>& limit,
                            std::size_t managed_count);

}  // namespace idsync
