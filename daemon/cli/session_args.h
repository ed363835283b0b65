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
// through `env` with `access` (plan and export: kReadOnly). A failure has already been
// reported on stderr.
StatusOr<Session> OpenSessionFromArgs(const ManifestArgs& args, Env& env,
                                      StoreAccess access = StoreAccess::kReadWrite);

// apply's exclusive lock (SPEC §4) on every selected platform of `session`, waiting up to
// --lock-timeout (`lock_timeout`, a duration; "0s": refuse at once). Failures (a bad
// duration, a lock held elsewhere, naming the holder) have been printed on stderr. The
// locks must be destroyed before the session's store.
StatusOr<std::vector<std::unique_ptr<StoreLock>>> LockForApply(Session& session,
                                                               const std::string& lock_timeout);

}  // namespace idsync
