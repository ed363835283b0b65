// export: a platform's live users as manifest YAML (SPEC §4).
#include <iostream>

#include <spdlog/spdlog.h>

#include "config/export.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/apply/session.h"
#include "daemon/cli/session_args.h"
#include "daemon/cli/table.h"

namespace idsync {

int CmdExport(const ExportArgs& args, Env& env) {
  if (args.manifest.platforms.size() != 1) {
    std::cerr << "error: export needs exactly one --platform NAME\n";
    return kExitError;
  }
  auto session = OpenSessionFromArgs(args.manifest, env);
  if (!session.ok()) return kExitError;
  const PlatformConfig& platform = *session->selected.front();
  auto connection = Connect(platform, env);
  if (!connection.ok()) {
    std::cerr << "error: " << connection.status().message() << '\n';
    return kExitError;
  }
  auto managed = session->store->Managed(platform.name);
  if (!managed.ok()) {
    std::cerr << "error: " << managed.status().message() << '\n';
    return kExitError;
  }
  auto it = session->desired.find(platform.name);
  static const DesiredUsers kNone;
  auto live = ListPlatform(platform, it == session->desired.end() ? kNone : it->second, *managed,
                           *connection->connector, *session->store, /*for_export=*/true);
  if (!live.ok()) {
    std::cerr << "error: " << platform.name << ": " << live.status().message() << '\n';
    return kExitError;
  }
  ExportOptions options;
  options.generated_at = FormatTime(env.NowUnix());
  options.partial = !live->complete;
  if (options.partial)
    spdlog::warn("{}: this platform cannot list its members; the export holds those idsync knows",
                 platform.name);
  std::cout << ExportManifest(platform, *live, options);
  return kExitOk;
}

}  // namespace idsync
