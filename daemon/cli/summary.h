// What `apply` prints after it ran (SPEC §4): one line per platform (succeeded,
// failed, deferred, held), each failure with the platform's own message, then the
// total. Each action is reported once: here, not again as a plan.
#pragma once

#include <string>
#include <vector>

#include "daemon/apply/reconciler.h"

namespace idsync {

// The summary text; ANSI colour (failures red, success green) only when `color`.
std::string ApplySummary(const std::vector<PlatformOutcome>& outcomes, bool color);

}  // namespace idsync
