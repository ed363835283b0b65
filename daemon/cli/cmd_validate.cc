#include <chrono>
#include <cstdio>
#include <iostream>

#include "config/expiry.h"
#include "config/loader.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"

#include "daemon/env.h"

namespace idsync {

int CmdValidate(const std::vector<std::string>& files, Env& env) {
  LoadResult loaded = LoadManifest(files);
  for (const auto& d : loaded.diagnostics) std::cerr << ToString(d) << '\n';
  if (!loaded.ok()) {
    std::cerr << "manifest invalid: " << loaded.diagnostics.size() << " error(s)\n";
    return kExitError;
  }
  const Manifest& m = *loaded.manifest;
  for (const auto& w : ExpiredWarnings(m, env.NowUnix())) std::cerr << ToString(w) << '\n';
  std::cout << "manifest valid: " << m.files.size() << " file(s), " << m.platforms.size()
            << " platform(s), " << m.roles.size() << " role(s), " << m.groups.size()
            << " group(s), " << m.users.size() << " user(s)\n";
  return kExitOk;
}

}  // namespace idsync
