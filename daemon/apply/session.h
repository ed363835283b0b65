// What plan, apply and export share once the command line has loaded a valid
// manifest: the platforms selected, the desired users resolved, the state store
// opened, and one reconcile per selected platform through its connector. Nothing here
// prints; errors come back as a Status for the caller (cli/) to report.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "connectors/factory.h"
#include "core/status.h"
#include "daemon/apply/reconciler.h"
#include "daemon/env.h"
#include "state/store.h"

namespace idsync {

// The narrow inputs of a session (the CLI fills them from its flags).
struct SessionOptions {
  std::vector<std::string> platforms;  // only these platform instances; empty = all
  std::string state;                   // the state store's location
  // plan and export: kReadOnly (they never write the state, SPEC §4).
  StoreAccess access = StoreAccess::kReadWrite;
};

struct Session {
  // The manifest as loaded, but for its `users`: emptied once resolved into `desired`
  // (nothing after needs them, and 100,000 of them would be held twice).
  Manifest manifest;
  std::vector<const PlatformConfig*> selected;  // points into manifest.platforms
  std::map<std::string, DesiredUsers> desired;  // platform -> users
  std::unique_ptr<Store> store;
};

// Selects the platforms of a valid `manifest`, resolves the desired users and opens the
// state store through `env`. Errors: InvalidArgument "--platform NAME: no such platform
// in the manifest (known: a, b)", or the store's own.
StatusOr<Session> OpenSession(Manifest manifest, const SessionOptions& options, Env& env);

// A platform's connector and the transport it talks through, owned together.
struct Connection {
  PlatformTransport http;
  std::unique_ptr<Connector> connector;
};
// Reads the platform's credentials through env.ReadSecret and builds its connector over
// env.TransportFor(platform); the error names the platform (never a secret).
StatusOr<Connection> Connect(const PlatformConfig& platform, Env& env);

// Reconciles every selected platform, one after the other; one failing never stops
// the others.
std::vector<PlatformOutcome> ReconcileAll(Session& session, const ReconcileOptions& options,
                                          Env& env);

}  // namespace idsync
