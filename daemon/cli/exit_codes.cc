#include "daemon/cli/exit_codes.h"

namespace idsync {

int ExitCodeFor(const std::vector<PlatformOutcome>& outcomes, bool held_exit, bool changes_exit) {
  int code = kExitOk;
  for (const auto& o : outcomes) {
    if (o.failed()) code = WorseExit(code, kExitError);
    if (o.plan.blocked && held_exit) code = WorseExit(code, kExitHeld);
    if (o.plan.changes() > 0 && changes_exit) code = WorseExit(code, kExitChanges);
  }
  return code;
}

}  // namespace idsync
