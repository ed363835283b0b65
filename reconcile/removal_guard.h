// The mass-removal guard (SPEC §3), applied to a platform plan once its actions exist.
// Internal to reconcile/; see planner.h for the contract users see.
#pragma once

#include <cstddef>

#include "reconcile/plan.h"
#include "reconcile/planner.h"

namespace idsync {

// Counts the retire and remove actions that would apply. When there are more than the
// limit (RemovalLimitFor), or the platform's desired users are none while idsync
// manages some, every one of them becomes kHeld and the plan is blocked with a reason
// naming the count and the limit, unless options.allow_removals covers them all.
void ApplyRemovalGuard(const PlatformPolicy& policy, std::size_t desired_count,
                       std::size_t managed_count, const PlanOptions& options,
                       PlatformPlan& plan);

}  // namespace idsync
