// Exit codes of every command (SPEC §4). When several apply, 1 wins over 3, 3 over 2.
#pragma once

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

}  // namespace idsync
