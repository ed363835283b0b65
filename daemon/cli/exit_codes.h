// Exit codes of every command (SPEC §4). When several apply, 1 wins over 3, 3 over 2.
#pragma once

#include <vector>

#include "daemon/apply/reconciler.h"

namespace idsync {

inline constexpr int kExitOk = 0;       // success, or no changes
inline constexpr int kExitError = 1;    // an error (invalid manifest, a platform failed)
inline constexpr int kExitChanges = 2;  // plan --detailed-exitcode: changes present
inline constexpr int kExitHeld = 3;     // removals held by the mass-removal guard

// The exit code that wins when two apply.
inline int WorseExit(int a, int b) {
  auto rank = [](int c) { return c == kExitError ? 3 : c == kExitHeld ? 2 : c == kExitChanges ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

// The exit code of plan/apply from the outcomes (SPEC §4): 1 when a platform failed,
// else 3 when removals were held (if held_exit), else 2 when there are changes (if
// changes_exit), else 0. plan --detailed-exitcode sets both; apply sets held_exit.
int ExitCodeFor(const std::vector<PlatformOutcome>& outcomes, bool held_exit, bool changes_exit);

}  // namespace idsync
