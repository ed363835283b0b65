// `plan --baseline PATH...` (SPEC §4): the base branch's manifest stands in for the
// production state when a pull request's plan is made without it.
//
// Rule: a user the baseline binds to a platform instance (an effective role binds that
// instance name) and who is live there counts as managed for this plan, exactly as if
// the state DB recorded them with their live grants. So a pull request that deletes
// them plans their retire/remove, the mass-removal guard counts them, and
// `--detailed-exitcode` exits 2 (or 3). With a state DB too, the two are united: an
// account the state DB manages keeps its recorded last-applied grants.
//
// Platforms are matched by instance name only. A platform whose listing is incomplete
// (orgadmin) contributes only the members its listing returned.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "config/manifest.h"
#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync {

// Platform instance name -> normalised emails the baseline binds to it.
using Baseline = std::map<std::string, std::set<std::string>>;

// The users a valid baseline manifest binds to each of its platform instances. (The
// CLI loads and validates it, printing its diagnostics: cli/cmd_plan_apply.cc.)
Baseline BaselineOf(const Manifest& manifest);

// Adds to `managed` every live user of `platform` the baseline binds to it that
// `managed` does not hold yet, recorded with the live id and grants (retired when live
// says retired). Returns the emails added.
std::set<std::string> AddBaselineManaged(const Baseline& baseline, const std::string& platform,
                                         const LiveState& live, ManagedAccounts& managed,
                                         int64_t now);

// Appends "; managed per --baseline" to the reason of the plan's actions on the
// emails in `added` whose verb is retire or remove, so a reviewer sees where the
// offboarding came from.
void NoteBaselineReasons(const std::set<std::string>& added, PlatformPlan& plan);

}  // namespace idsync
