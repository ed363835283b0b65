#include "daemon/cli/session_args.h"

#include <iostream>

#include "config/loader.h"

namespace idsync {

StatusOr<Session> OpenSessionFromArgs(const ManifestArgs& args, Env& env) {
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
  auto session = OpenSession(std::move(*loaded.manifest), SessionOptions{args.platforms, args.state}, env);
  if (!session.ok()) std::cerr << "error: " << session.status().message() << '\n';
  return session;
}

}  // namespace idsync
