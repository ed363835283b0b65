// `idsync run` (SPEC §5): flags checked here, the lifecycle in daemon/run/daemon.cc.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "core/text.h"
#include "daemon/apply/locks.h"
#include "daemon/cli/commands.h"
#include "daemon/run/daemon.h"
#include "daemon/cli/exit_codes.h"

namespace idsync {

int CmdRun(const RunArgs& args, Env& env) {
  // Signals are blocked before any thread exists, so only the signalfd sees them.
  SignalEvents signals;
  if (!signals.ok()) {
    std::cerr << "error: run: cannot set up signal handling\n";
    return kExitError;
  }
  DaemonOptions options;
  options.files = args.files;
  options.state = args.state;
  options.port_file = args.port_file;
  options.identity = ReplicaIdentity(args.identity);
  auto interval = ParseDuration(args.interval);
  if (!interval || interval->count() <= 0) {
    std::cerr << "error: --interval " << args.interval << ": expected a positive duration such as 5m, 30s or 1h\n";
    return kExitError;
  }
  options.schedule.interval = *interval;
  auto stuck_after = ParseDuration(args.stuck_after);
  if (!stuck_after || stuck_after->count() <= 0) {
    std::cerr << "error: --stuck-after " << args.stuck_after << ": expected a positive duration such as 30m or 1h\n";
    return kExitError;
  }
  options.stuck_after = *stuck_after;
  auto retention = ParseDurationOrDays(args.retention);
  if (!retention || retention->count() <= 0) {
    std::cerr << "error: --retention " << args.retention << ": expected a positive duration such as 90d or 720h\n";
    return kExitError;
  }
  options.retention = *retention;
  auto listen = ParseListen(args.listen);
  if (!listen.ok()) {
    std::cerr << "error: " << listen.status().message() << '\n';
    return kExitError;
  }
  options.listen = *listen;
  if (const char* token = std::getenv("IDSYNC_API_TOKEN"); token && *token) options.token = token;
  if (Status s = CheckTokenRule(options.listen, options.token); !s.ok()) {
    std::cerr << "error: " << s.message() << '\n';
    return kExitError;
  }
  spdlog::info("run: {} manifest path(s), state {}, interval {}, identity {}", options.files.size(),
               StateForLogs(options.state), FormatDuration(options.schedule.interval), options.identity);
  Daemon daemon(std::move(options), env);
  return daemon.Run(signals);
}

}  // namespace idsync
