#include "daemon/apply/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/platform_config.h"
#include "config/resolve.h"
#include "connectors/factory.h"

namespace idsync {

StatusOr<Session> OpenSession(Manifest manifest, const SessionOptions& options, Env& env) {
  Session s;
  s.manifest = std::move(manifest);
  for (const auto& name : options.platforms) {
    if (!s.manifest.platforms.count(name)) {
      std::string known;
      for (const auto& [n, p] : s.manifest.platforms) known += (known.empty() ? "" : ", ") + n;
      return InvalidArgument("--platform " + name + ": no such platform in the manifest (known: " +
                             known + ")");
    }
  }
  for (const auto& [name, p] : s.manifest.platforms) {
    if (options.platforms.empty() ||
        std::find(options.platforms.begin(), options.platforms.end(), name) != options.platforms.end())
      s.selected.push_back(&p);
  }
  s.desired = ResolveDesired(s.manifest);
  std::vector<User>().swap(s.manifest.users);  // freed before the listings fill memory again
  auto store = env.OpenStore(options.state, options.access);
  if (!store.ok()) return store.status();
  s.store = std::move(*store);
  return s;
}

StatusOr<Connection> Connect(const PlatformConfig& platform, Env& env) {
  if (platform.plain_http_remote) {
    spdlog::warn("{}: insecure_http: true: requests and their credentials go to a host that is not "
                 "loopback over plain http://, unencrypted",
                 platform.name);
  }
  Connection c;
  c.http = env.TransportFor(platform);
  SecretReader secrets = [&env](const PlatformConfig& p, const std::string& key) {
    return env.ReadSecret(p, key);
  };
  auto connector = MakeConnector(platform, secrets, ConnectorEnv{c.http.client.get()});
  if (!connector.ok()) return connector.status();
  c.connector = std::move(*connector);
  return c;
}

std::vector<PlatformOutcome> ReconcileAll(Session& session, const ReconcileOptions& options,
                                          Env& env) {
  std::vector<PlatformOutcome> outcomes;
  static const DesiredUsers kNone;
  for (const PlatformConfig* p : session.selected) {
    auto it = session.desired.find(p->name);
    const DesiredUsers& desired = it == session.desired.end() ? kNone : it->second;
    auto connection = Connect(*p, env);
    if (!connection.ok()) {
      PlatformOutcome failed;
      failed.plan.platform = p->name;
      failed.plan.type = p->type;
      failed.plan.error = connection.status();
      spdlog::error("{}: {}", p->name, failed.plan.error.message());
      outcomes.push_back(std::move(failed));
      continue;
    }
    outcomes.push_back(ReconcilePlatform(*p, desired, *connection->connector, *session.store, options,
                                         env));
    if (!outcomes.back().plan.error.ok())
      spdlog::error("{}: {}", p->name, outcomes.back().plan.error.message());
  }
  return outcomes;
}

}  // namespace idsync
