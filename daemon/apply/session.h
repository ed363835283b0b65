// What plan, apply and export share: the manifest loaded and validated, the platforms
// selected by --platform, the desired users resolved, the state DB opened, and one
// reconcile per selected platform through its connector.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "connectors/factory.h"
#include "core/status.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/progress.h"
#include "daemon/apply/reconciler.h"
#include "state/store.h"

namespace idsync {

struct Session {
  Manifest manifest;
  std::vector<const PlatformConfig*> selected;  // points into manifest.platforms
  std::map<std::string, DesiredUsers> desired;  // platform -> users
  std::unique_ptr<Store> store;
};

// Loads the manifest (printing every diagnostic to stderr), selects platforms, opens
// the state DB with `access` (plan and export: kReadOnly, they never write). A failure
// has already been reported on stderr.
StatusOr<Session> OpenSession(const ManifestArgs& args, StoreAccess access = StoreAccess::kReadWrite);

// A platform's connector and the HTTP stack it talks through, owned together.
struct Connection {
  std::unique_ptr<HttpStack> http;
  std::unique_ptr<Connector> connector;
};
// Reads the platform's credentials and builds its connector; the error names the
// platform (never a secret).
StatusOr<Connection> Connect(const PlatformConfig& platform);

// Reconciles every selected platform, one after the other; one failing never stops
// the others.
std::vector<PlatformOutcome> ReconcileAll(Session& session, const ReconcileOptions& options);

// The exit code of plan/apply from the outcomes (SPEC §4): 1 when a platform failed,
// else 3 when removals were held (if held_exit), else 2 when there are changes (if
// changes_exit), else 0. plan --detailed-exitcode sets both; apply sets held_exit.
int ExitCodeFor(const std::vector<PlatformOutcome>& outcomes, bool held_exit, bool changes_exit);

}  // namespace idsync
