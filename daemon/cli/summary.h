// What `apply` prints after it ran (SPEC §4): one line per platform (succeeded,
// failed, deferred, held), each failure with the platform's own message, then the
// total. Each action is reported once: here, not again as a plan.
#pragma once

#include <string>
#include <vector>

#include "daemon/apply/reconciler.h"

namespace idsync {

// "Apply complete: N succeeded, N failed, N deferred, N held.\n": the totals over
// every platform, the last line of both summaries.
std::string ApplyTotals(const std::vector<PlatformOutcome>& outcomes);

// The summary text; ANSI colour (failures red, success green) only when `color`.
std::string ApplySummary(const std::vector<PlatformOutcome>& outcomes, bool color);

}  // namespace idsync
