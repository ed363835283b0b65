// The command line (SPEC §4): CLI11 parses, the commands in cmd_*.cc run.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/cli/commands.h"
#include "daemon/cli/completion.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/logging.h"

#ifndef IDSYNC_VERSION
#define IDSYNC_VERSION "0.0.0"
#endif

namespace idsync {
namespace {

void AddManifestOptions(CLI::App* cmd, ManifestArgs& m, bool platforms) {
  cmd->add_option("-f,--file", m.files, "Manifest file or directory (repeatable)")->required();
  if (platforms)
    cmd->add_option("--platform", m.platforms, "Only this platform instance (repeatable)");
  cmd->add_option("--state", m.state, "State DB (default $IDSYNC_STATE, else ./idsync.db)")
      ->envname("IDSYNC_STATE");
}

}  // namespace

int CmdVersion() {
  std::cout << "idsync " << IDSYNC_VERSION << '\n';
  return kExitOk;
}

int RunCli(int argc, char** argv) {
  CLI::App app{"idsync keeps the users of SaaS platforms equal to a manifest kept in Git."};
  app.name("idsync");
  app.fallthrough();  // common flags before or after the command name
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print the help of every command and exit (the man page)");
  std::string log_level, log_format = "text";  // log_level empty: the default (logging.h)
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")
      ->envname("IDSYNC_LOG_LEVEL");
  app.add_option("--log-format", log_format, "text|json")->envname("IDSYNC_LOG_FORMAT");

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check the manifest (no credentials needed)");
  validate->add_option("-f,--file", validate_files, "Manifest file or directory (repeatable)")
      ->required();

  PlanArgs plan;
  plan.manifest.state = "idsync.db";
  auto* plan_cmd = app.add_subcommand("plan", "Show what apply would change");
  AddManifestOptions(plan_cmd, plan.manifest, true);
  plan_cmd->add_option("--format", plan.format, "text|json|markdown");
  plan_cmd->add_flag("--detailed-exitcode", plan.detailed_exitcode,
                     "Exit 2 when there are changes, 3 when removals are held");
  plan_cmd->add_option("--out", plan.out, "Also save the plan to this file, for apply --plan");

  ApplyArgs apply;
  apply.manifest.state = "idsync.db";
  auto* apply_cmd = app.add_subcommand("apply", "Bring the platforms in line with the manifest");
  AddManifestOptions(apply_cmd, apply.manifest, true);
  int allow_removals = -1;
  apply_cmd->add_option("--allow-removals", allow_removals,
                        "Release up to N held removals per platform in this run")
      ->check(CLI::NonNegativeNumber);
  apply_cmd->add_option("--plan", apply.plan_file,
                        "Apply exactly this saved plan file (plan --out); refused when stale");
  apply_cmd->add_flag("--auto-approve", apply.auto_approve, "Do not ask on a terminal");

  RunArgs run;
  run.state = "idsync.db";
  auto* run_cmd = app.add_subcommand("run", "Keep the platforms in line continuously (daemon)");
  run_cmd->add_option("-f,--file", run.files, "Manifest file or directory (repeatable)")->required();
  run_cmd->add_option("--state", run.state, "State DB (default $IDSYNC_STATE, else ./idsync.db)")
      ->envname("IDSYNC_STATE");
  run_cmd->add_option("--interval", run.interval, "Time between reconciles (±10% jitter)");
  run_cmd->add_option("--listen", run.listen, "HTTP listener HOST:PORT (port 0: a free one)");
  run_cmd->add_option("--port-file", run.port_file, "Write the bound port here once listening");

  ExportArgs export_args;
  export_args.manifest.state = "idsync.db";
  auto* export_cmd = app.add_subcommand("export", "Print a platform's live users as a manifest");
  AddManifestOptions(export_cmd, export_args.manifest, true);

  HistoryArgs history;
  history.state = "idsync.db";
  std::string history_user, history_platform;
  auto* history_cmd = app.add_subcommand("history", "Show the action journal");
  history_cmd->add_option("--state", history.state, "State DB")->envname("IDSYNC_STATE");
  history_cmd->add_option("--user", history_user, "Only this user's actions");
  history_cmd->add_option("--platform", history_platform, "Only this platform's actions");
  history_cmd->add_option("--limit", history.limit, "At most N entries")->check(CLI::PositiveNumber);
  history_cmd->add_option("--format", history.format, "table|json");

  StatusArgs status;
  status.state = "idsync.db";
  auto* status_cmd = app.add_subcommand("status", "Show the last reconcile per platform");
  status_cmd->add_option("--state", status.state, "State DB")->envname("IDSYNC_STATE");
  status_cmd->add_option("--format", status.format, "table|json");

  auto* version = app.add_subcommand("version", "Print the version");

  std::string completion_shell;
  auto* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->add_option("shell", completion_shell, "bash|zsh|fish")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }

  Status logging = SetupLogging(log_level, log_format, /*daemon=*/run_cmd->parsed());
  if (!logging.ok()) {
    std::cerr << "error: " << logging.message() << '\n';
    return kExitError;
  }

  if (*validate) return CmdValidate(validate_files);
  if (*plan_cmd) return CmdPlan(plan);
  if (*apply_cmd) {
    if (allow_removals >= 0) apply.allow_removals = allow_removals;
    return CmdApply(apply);
  }
  if (*export_cmd) return CmdExport(export_args);
  if (*run_cmd) return CmdRun(run);
  if (*history_cmd) {
    if (!history_user.empty()) history.user = history_user;
    if (!history_platform.empty()) history.platform = history_platform;
    return CmdHistory(history);
  }
  if (*status_cmd) return CmdStatus(status);
  if (*version) return CmdVersion();
  if (*completion) return CmdCompletion(app, completion_shell);
  return kExitError;
}

}  // namespace idsync
