// The commands of the `idsync` executable (SPEC §4). Each returns the process exit
// code (daemon/cli/exit_codes.h); results go to stdout, logs and errors to stderr.
// Everything a command takes from the world comes through the Env it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/env.h"

namespace idsync {

struct ManifestArgs {
  std::vector<std::string> files;      // -f, repeatable; files or directories
  std::vector<std::string> platforms;  // --platform, repeatable; empty = all
  std::string state;                   // --state, else $IDSYNC_STATE, else ./idsync.db
};

struct PlanArgs {
  ManifestArgs manifest;
  std::string format = "text";  // text|json|markdown
  bool detailed_exitcode = false;
  std::string expiring_within = "7d";  // a duration (ms|s|m|h) or N days ("7d")
  std::vector<std::string> baseline;  // --baseline, repeatable: the base branch's manifest
  std::string out;  // --out FILE: also save the plan (daemon/cli/saved_plan.h)
};

struct ApplyArgs {
  ManifestArgs manifest;
  std::optional<int> allow_removals;
  std::string lock_timeout = "0s";  // --lock-timeout: wait this long for the state's lock
  std::string plan_file;      // --plan FILE: apply this saved plan, nothing else
  bool auto_approve = false;  // --auto-approve: never ask, even on a terminal
};

struct HistoryArgs {
  std::string state;
  std::optional<std::string> user;
  std::optional<std::string> platform;
  int limit = 50;
  std::string format = "table";  // table|json
};

struct StatusArgs {
  std::string state;
  std::string format = "table";  // table|json
};

struct ExportArgs {
  ManifestArgs manifest;  // exactly one --platform
};

struct ExplainArgs {
  std::string email;
  ManifestArgs manifest;
  bool live = false;
  std::string format = "text";  // text|json
};

struct RunArgs {
  std::vector<std::string> files;  // -f, repeatable
  std::string state;               // --state, else $IDSYNC_STATE, else ./idsync.db
  std::string interval = "5m";
  std::string listen = "127.0.0.1:9464";
  std::string port_file;           // --port-file: the bound port, written once listening
  std::string stuck_after = "1h";  // --stuck-after: a reconcile this long stops watchdog pings
  std::string retention = "90d";   // --retention: journal rows and runs older than this are pruned
  std::string identity;            // --identity; "" = $POD_NAME, else HOST:PID
};

int CmdValidate(const std::vector<std::string>& files, Env& env);
int CmdPlan(const PlanArgs& args, Env& env);
int CmdApply(const ApplyArgs& args, Env& env);
int CmdHistory(const HistoryArgs& args, Env& env);
int CmdStatus(const StatusArgs& args, Env& env);
int CmdExport(const ExportArgs& args, Env& env);
int CmdExplain(const ExplainArgs& args, Env& env);
int CmdVersion();
// Runs until SIGTERM/SIGINT: 0 on a clean stop, 1 on a start-up error or a second signal.
int CmdRun(const RunArgs& args, Env& env);

// Parses argv and runs the command with `env` (built once, in main).
int RunCli(int argc, char** argv, Env& env);

}  // namespace idsync
