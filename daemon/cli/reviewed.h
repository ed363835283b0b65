// The paths of plan and apply where a person reviews the plan before it runs (SPEC §4):
// `plan --out FILE`, `apply --plan FILE`, and the confirmation on a terminal. Each
// returns the process exit code; CmdPlan and CmdApply hand over to them.
#pragma once

#include "daemon/cli/commands.h"
#include "daemon/env.h"

namespace idsync {

// plan --out FILE: prints the plan as CmdPlan does and saves it (daemon/cli/saved_plan.h).
int CmdPlanSaved(const PlanArgs& args, Env& env);

// apply --plan FILE: checks the saved plan (refused when stale, before any change is
// sent) and applies exactly its actions.
int CmdApplySaved(const ApplyArgs& args, Env& env);

// apply with stdin on a terminal: shows the plan, asks (unless --auto-approve), and
// applies exactly that plan only on "yes"; otherwise sends nothing, prints "Apply
// cancelled", exits 1. After applying, only the summary is printed (the plan was shown).
int CmdApplyConfirmed(const ApplyArgs& args, Env& env);

}  // namespace idsync
