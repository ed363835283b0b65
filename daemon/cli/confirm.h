// The question `apply` asks on a terminal before it changes anything (SPEC §4).
#pragma once

#include <iosfwd>

namespace idsync {

// Whether `apply` asks: stdin is a terminal (a person can answer). Without one (CI,
// the daemon, scripts, a pipe) nothing is asked and apply behaves as before.
bool StdinIsTty();

// Writes "Apply these changes? Only 'yes' will be accepted: " to `out`, reads one line
// from `in`. True only for exactly "yes" (surrounding blanks ignored); end of input,
// anything else, or "y" is no.
bool AskToApply(std::istream& in, std::ostream& out);

}  // namespace idsync
