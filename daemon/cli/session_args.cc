#include "daemon/cli/session_args.h"

#include <iostream>

#include "config/loader.h"
#include "core/text.h"
#include "daemon/apply/locks.h"
#include "daemon/cli/heap.h"

namespace idsync {

StatusOr<Session> OpenSessionFromArgs(const ManifestArgs& args, Env& env, StoreAccess access) {
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
  auto session = OpenSession(std::move(*loaded.manifest), SessionOptions{args.platforms, args.state, access}, env);
  ReturnFreedPages();  // what reading the manifest freed is not kept resident to the peak
  if (!session.ok()) std::cerr << "error: " << session.status().message() << '\n';
  return session;
}

StatusOr<std::vector<std::unique_ptr<StoreLock>>> LockForApply(Session& session,
                                                               const std::string& lock_timeout) {
  auto timeout = ParseDuration(lock_timeout);
  if (!timeout) {
    std::cerr << "error: --lock-timeout " << lock_timeout << ": expected a duration such as 30s or 5m\n";
    return InvalidArgument("bad --lock-timeout");
  }
  std::vector<std::string> platforms;
  for (const PlatformConfig* p : session.selected) platforms.push_back(p->name);
  auto locks = LockPlatforms(*session.store, platforms, "idsync apply", *timeout,  // the store adds pid and host
                             [](const std::string& message) { std::cerr << "idsync: " << message << '\n'; });
  if (!locks.ok()) std::cerr << "error: " << locks.status().message() << '\n';
  return locks;
}

}  // namespace idsync
