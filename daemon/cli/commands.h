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
};

struct ApplyArgs {
  ManifestArgs manifest;
  std::optional<int> allow_removals;
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

struct RunArgs {
  std::vector<std::string> files;  // -f, repeatable
  std::string state;               // --state, else $IDSYNC_STATE, else ./idsync.db
  std::string interval = "5m";
  std::string listen = "127.0.0.1:9464";
  std::string port_file;           // --port-file: the bound port, written once listening
};

int CmdValidate(const std::vector<std::string>& files);
int CmdPlan(const PlanArgs& args, Env& env);
int CmdApply(const ApplyArgs& args, Env& env);
int CmdHistory(const HistoryArgs& args, Env& env);
int CmdStatus(const StatusArgs& args, Env& env);
int CmdExport(const ExportArgs& args, Env& env);
int CmdVersion();
// Runs until SIGTERM/SIGINT: 0 on a clean stop, 1 on a start-up error or a second signal.
int CmdRun(const RunArgs& args, Env& env);

// Parses argv and runs the command with `env` (built once, in main).
int RunCli(int argc, char** argv, Env& env);

}  // namespace idsync
