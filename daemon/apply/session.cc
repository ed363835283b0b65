#include "daemon/apply/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "config/loader.h"
#include "config/platform_config.h"
#include "config/resolve.h"
#include "config/secrets.h"
#include "connectors/factory.h"
#include "daemon/cli/exit_codes.h"

namespace idsync {

StatusOr<Session> OpenSession(const ManifestArgs& args) {
  if (args.files.empty()) {
    std::cerr << "error: no manifest given: use -f PATH (a file or a directory)\n";
    return InvalidArgument("no manifest");
  }
  LoadResult loaded = LoadManifest(args.files);
  for (const auto& d : loaded.diagnostics) std::cerr << ToString(d) << '\n';
  if (!loaded.ok()) {
    std::cerr << "manifest invalid: " << loaded.diagnostics.size()
              << " error(s); nothing was planned or applied\n";
    return InvalidArgument("invalid manifest");
  }
  Session s;
  s.manifest = std::move(*loaded.manifest);
  for (const auto& name : args.platforms) {
    if (!s.manifest.platforms.count(name)) {
      std::string known;
      for (const auto& [n, p] : s.manifest.platforms) known += (known.empty() ? "" : ", ") + n;
      std::cerr << "error: --platform " << name << ": no such platform in the manifest (known: "
                << known << ")\n";
      return InvalidArgument("unknown platform");
    }
  }
  for (const auto& [name, p] : s.manifest.platforms) {
    if (args.platforms.empty() ||
        std::find(args.platforms.begin(), args.platforms.end(), name) != args.platforms.end())
      s.selected.push_back(&p);
  }
  s.desired = ResolveDesired(s.manifest);
  auto store = Store::Open(args.state);
  if (!store.ok()) {
    std::cerr << "error: " << store.status().message() << '\n';
    return store.status();
  }
  s.store = std::move(*store);
  return s;
}

StatusOr<Connection> Connect(const PlatformConfig& platform) {
  if (platform.plain_http_remote) {
    spdlog::warn("{}: insecure_http: true: requests and their credentials go to a host that is not "
                 "loopback over plain http://, unencrypted",
                 platform.name);
  }
  Connection c;
  c.http = MakeHttpStack(platform);
  auto connector = MakeConnector(platform, ReadSecret, ConnectorEnv{c.http.get()});
  if (!connector.ok()) return connector.status();
  c.connector = std::move(*connector);
  return c;
}

std::vector<PlatformOutcome> ReconcileAll(Session& session, const ReconcileOptions& options) {
  std::vector<PlatformOutcome> outcomes;
  static const DesiredUsers kNone;
  for (const PlatformConfig* p : session.selected) {
    auto it = session.desired.find(p->name);
    const DesiredUsers& desired = it == session.desired.end() ? kNone : it->second;
    auto connection = Connect(*p);
    if (!connection.ok()) {
      PlatformOutcome failed;
      failed.plan.platform = p->name;
      failed.plan.type = p->type;
      failed.plan.error = connection.status().message();
      spdlog::error("{}: {}", p->name, failed.plan.error);
      outcomes.push_back(std::move(failed));
      continue;
    }
    outcomes.push_back(ReconcilePlatform(*p, desired, *connection->connector, *session.store, options,
                                         SystemReconcileEnv()));
    if (!outcomes.back().plan.error.empty())
      spdlog::error("{}: {}", p->name, outcomes.back().plan.error);
  }
  return outcomes;
}

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
