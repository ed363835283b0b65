// `idsync run` (SPEC §5): flags checked here, the lifecycle in daemon/run/daemon.cc.
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "core/text.h"
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
  auto interval = ParseDuration(args.interval);
  if (!interval || interval->count() <= 0) {
    std::cerr << "error: --interval " << args.interval << ": expected a positive duration such as 5m, 30s or 1h\n";
    return kExitError;
  }
  options.schedule.interval = *interval;
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
  spdlog::info("run: {} manifest path(s), state {}, interval {}", options.files.size(), options.state,
               FormatDuration(options.schedule.interval));
  Daemon daemon(std::move(options), env);
  return daemon.Run(signals);
}

}  // namespace idsync
