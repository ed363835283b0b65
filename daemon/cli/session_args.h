// The CLI's side of opening a session (daemon/apply/session.h): load the manifest from
// -f, print every diagnostic and every error to stderr, then hand apply/ its narrow
// SessionOptions.
#pragma once

#include "core/status.h"
#include "daemon/apply/session.h"
#include "daemon/cli/commands.h"
#include "daemon/env.h"

namespace idsync {

// Loads and validates the manifest of `args`, selects --platform and opens --state
// through `env`. A failure has already been reported on stderr.
StatusOr<Session> OpenSessionFromArgs(const ManifestArgs& args, Env& env);

}  // namespace idsync
