// The command line (SPEC §4): CLI11 parses, the commands in cmd_*.cc run.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>

#include "daemon/cli/commands.h"
#include "daemon/cli/completion.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/heap.h"
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

// Every command's arguments and the subcommand that selects it.
struct Commands {
  std::vector<std::string> validate_files;
  PlanArgs plan;
  ApplyArgs apply;
  int allow_removals = -1;
  RunArgs run;
  ExportArgs export_args;
  HistoryArgs history;
  std::string history_user, history_platform;
  StatusArgs status;
  ExplainArgs explain;
  CLI::App *explain_cmd = nullptr;
  CLI::App *validate = nullptr, *plan_cmd = nullptr, *apply_cmd = nullptr, *run_cmd = nullptr,
           *export_cmd = nullptr, *history_cmd = nullptr, *status_cmd = nullptr,
           *version = nullptr, *completion = nullptr;
  std::string completion_shell;
};

void AddPlanApplyExport(CLI::App& app, Commands& c) {
  c.validate = app.add_subcommand("validate", "Check the manifest (no credentials needed)");
  c.validate->add_option("-f,--file", c.validate_files, "Manifest file or directory (repeatable)")
      ->required();

  c.plan.manifest.state = "idsync.db";
  c.plan_cmd = app.add_subcommand("plan", "Show what apply would change");
  AddManifestOptions(c.plan_cmd, c.plan.manifest, true);
  c.plan_cmd->add_option("--format", c.plan.format, "text|json|markdown");
  c.plan_cmd->add_flag("--detailed-exitcode", c.plan.detailed_exitcode,
                       "Exit 2 when there are changes, 3 when removals are held");
  c.plan_cmd->add_option("--expiring-within", c.plan.expiring_within,
                         "List what expires within this duration (default 7d)");
  c.plan_cmd->add_option("--baseline", c.plan.baseline,
                         "The base branch's manifest, file or directory (repeatable): its live "
                         "users count as managed");
  c.plan_cmd->add_option("--out", c.plan.out, "Also save the plan to this file, for apply --plan");

  c.apply.manifest.state = "idsync.db";
  c.apply_cmd = app.add_subcommand("apply", "Bring the platforms in line with the manifest");
  AddManifestOptions(c.apply_cmd, c.apply.manifest, true);
  c.apply_cmd->add_option("--allow-removals", c.allow_removals,
                          "Release up to N held removals per platform in this run")
      ->check(CLI::NonNegativeNumber);
  c.apply_cmd->add_option("--lock-timeout", c.apply.lock_timeout,
                          "Wait this long for the state's lock (e.g. 30s, 5m; default: refuse at once)");
  c.apply_cmd->add_option("--plan", c.apply.plan_file,
                          "Apply exactly this saved plan file (plan --out); refused when stale");
  c.apply_cmd->add_flag("--auto-approve", c.apply.auto_approve, "Do not ask on a terminal");

  c.run.state = "idsync.db";
  c.run_cmd = app.add_subcommand("run", "Keep the platforms in line continuously (daemon)");
  c.run_cmd->add_option("-f,--file", c.run.files, "Manifest file or directory (repeatable)")->required();
  c.run_cmd->add_option("--state", c.run.state, "State DB (default $IDSYNC_STATE, else ./idsync.db)")
      ->envname("IDSYNC_STATE");
  c.run_cmd->add_option("--interval", c.run.interval, "Time between reconciles (±10% jitter)");
  c.run_cmd->add_option("--listen", c.run.listen, "HTTP listener HOST:PORT (port 0: a free one)");
  c.run_cmd->add_option("--port-file", c.run.port_file, "Write the bound port here once listening");
  c.run_cmd->add_option("--stuck-after", c.run.stuck_after,
                        "A reconcile running this long counts as stuck: watchdog pings stop");
  c.run_cmd->add_option("--retention", c.run.retention,
                        "Prune journal rows and runs older than this (default 90d), at start and daily");
  c.run_cmd->add_option("--identity", c.run.identity,
                        "This replica's name in locks and /v1/status (default $POD_NAME, else HOST:PID)");

  c.export_args.manifest.state = "idsync.db";
  c.export_cmd = app.add_subcommand("export", "Print a platform's live users as a manifest");
  AddManifestOptions(c.export_cmd, c.export_args.manifest, true);

  c.explain.manifest.state = "idsync.db";
  c.explain_cmd = app.add_subcommand("explain", "Why a user has what they have, per platform");
  c.explain_cmd->add_option("email", c.explain.email, "The user's email")->required();
  AddManifestOptions(c.explain_cmd, c.explain.manifest, true);
  c.explain_cmd->add_flag("--live", c.explain.live, "Also ask the platforms and plan for this user");
  c.explain_cmd->add_option("--format", c.explain.format, "text|json");
}

void AddStateCommands(CLI::App& app, Commands& c) {
  c.history.state = "idsync.db";
  c.history_cmd = app.add_subcommand("history", "Show the action journal");
  c.history_cmd->add_option("--state", c.history.state, "State DB")->envname("IDSYNC_STATE");
  c.history_cmd->add_option("--user", c.history_user, "Only this user's actions");
  c.history_cmd->add_option("--platform", c.history_platform, "Only this platform's actions");
  c.history_cmd->add_option("--limit", c.history.limit, "At most N entries")
      ->check(CLI::PositiveNumber);
  c.history_cmd->add_option("--format", c.history.format, "table|json");

  c.status.state = "idsync.db";
  c.status_cmd = app.add_subcommand("status", "Show the last reconcile per platform");
  c.status_cmd->add_option("--state", c.status.state, "State DB")->envname("IDSYNC_STATE");
  c.status_cmd->add_option("--format", c.status.format, "table|json");

  c.version = app.add_subcommand("version", "Print the version");

  c.completion = app.add_subcommand("completion", "Print a shell completion script");
  c.completion->add_option("shell", c.completion_shell, "bash|zsh|fish")->required();
}

// Runs the parsed command.
// The commands that hold whole platforms in memory get huge pages (heap.h).
void HugePagesFor(const Commands& c) {
  if (!*c.plan_cmd && !*c.apply_cmd && !*c.export_cmd && !*c.explain_cmd && !*c.run_cmd) return;
  if (UseHugePages()) spdlog::debug("allocator: the heap is advised as transparent huge pages");
}

int Dispatch(const CLI::App& app, Commands& c, Env& env) {
  HugePagesFor(c);
  if (*c.validate) return CmdValidate(c.validate_files, env);
  if (*c.plan_cmd) return CmdPlan(c.plan, env);
  if (*c.apply_cmd) {
    if (c.allow_removals >= 0) c.apply.allow_removals = c.allow_removals;
    return CmdApply(c.apply, env);
  }
  if (*c.export_cmd) return CmdExport(c.export_args, env);
  if (*c.explain_cmd) return CmdExplain(c.explain, env);
  if (*c.run_cmd) return CmdRun(c.run, env);
  if (*c.history_cmd) {
    if (!c.history_user.empty()) c.history.user = c.history_user;
    if (!c.history_platform.empty()) c.history.platform = c.history_platform;
    return CmdHistory(c.history, env);
  }
  if (*c.status_cmd) return CmdStatus(c.status, env);
  if (*c.version) return CmdVersion();
  if (*c.completion) return CmdCompletion(app, c.completion_shell);
  return kExitError;
}

}  // namespace

int CmdVersion() {
  std::cout << "idsync " << IDSYNC_VERSION << '\n';
  return kExitOk;
}

int RunCli(int argc, char** argv, Env& env) {
  CLI::App app{"idsync keeps the users of SaaS platforms equal to a manifest kept in Git."};
  app.name("idsync");
  app.fallthrough();  // common flags before or after the command name
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print the help of every command and exit (the man page)");
  std::string log_level, log_format = "text";  // log_level empty: the default (logging.h)
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")
      ->envname("IDSYNC_LOG_LEVEL");
  app.add_option("--log-format", log_format, "text|json")->envname("IDSYNC_LOG_FORMAT");
  Commands commands;
  AddPlanApplyExport(app, commands);
  AddStateCommands(app, commands);

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

  Status logging = SetupLogging(log_level, log_format, /*daemon=*/commands.run_cmd->parsed());
  if (!logging.ok()) {
    std::cerr << "error: " << logging.message() << '\n';
    return kExitError;
  }
  return Dispatch(app, commands, env);
}

}  // namespace idsync
