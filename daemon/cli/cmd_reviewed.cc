#include "daemon/cli/reviewed.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "daemon/apply/git_info.h"
#include "daemon/apply/prepare.h"
#include "daemon/cli/confirm.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/progress.h"
#include "daemon/cli/saved_plan.h"
#include "daemon/cli/session_args.h"
#include "daemon/cli/summary.h"
#include "reconcile/render.h"

#ifndef IDSYNC_VERSION
#define IDSYNC_VERSION "0.0.0"
#endif

namespace idsync {
namespace {

bool StdoutColor() { return isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr; }

PlanOptions PlanOptionsOf(const ApplyArgs& args) {
  PlanOptions options;
  options.allow_removals = args.allow_removals;
  return options;
}

// Executes the prepared plans in a run of their own and prints the summary (and the
// plan first when `print_plan`, for a reader who has not seen it). Returns the exit code.
int ApplyAndReport(Session& session, std::vector<PreparedPlatform>& prepared, bool print_plan, Env& env) {
  std::string commit = session.manifest.files.empty() ? "" : GitCommitOf(session.manifest.files.front());
  auto run = session.store->BeginRun("apply", session.manifest.digest, commit, env.NowUnix());
  if (!run.ok()) {
    std::cerr << "error: " << run.status().message() << '\n';
    return kExitError;
  }
  Progress progress(Progress::StderrIsTty());
  ReconcileOptions options;
  options.run_id = *run;
  options.progress = [&progress](const std::string& p, std::size_t done, std::size_t total) {
    progress.Update(p, done, total);
  };
  spdlog::info("apply: run {} started for {} platform(s)", *run, prepared.size());
  auto outcomes = ApplyPrepared(session, prepared, options, env);
  progress.Finish();
  if (print_plan) std::cout << Render(PlanOf(prepared), Format::kText, RenderOptions{.color = StdoutColor()});
  std::cout << ApplySummary(outcomes, StdoutColor());
  std::cout.flush();
  int code = ExitCodeFor(outcomes, /*held_exit=*/true, /*changes_exit=*/false);
  std::string result = code == kExitError ? "failed" : code == kExitHeld ? "blocked" : "ok";
  (void)session.store->FinishRun(*run, result, env.NowUnix());
  return code;
}

bool AnythingToSend(const std::vector<PreparedPlatform>& prepared) {
  for (const auto& p : prepared)
    for (const auto& a : p.planned.plan.actions)
      if (a.disposition == Disposition::kApply) return true;
  return false;
}

}  // namespace

int CmdPlanSaved(const PlanArgs& args, Env& env) {
  auto format = ParseFormat(args.format);
  if (!format) {
    std::cerr << "error: --format " << args.format << ": expected text, json or markdown\n";
    return kExitError;
  }
  auto session = OpenSessionFromArgs(args.manifest, env, StoreAccess::kReadOnly);  // plan never writes
  if (!session.ok()) return kExitError;
  auto prepared = PrepareAll(*session, PlanOptions{}, env);
  std::cout << Render(PlanOf(prepared), *format, RenderOptions{.color = StdoutColor()});
  std::cout.flush();
  for (const auto& p : prepared) {
    if (!p.planned.plan.error.ok()) {
      std::cerr << "error: plan not saved to " << args.out << ": " << p.config->name
                << " could not be planned\n";
      return kExitError;
    }
  }
  std::ofstream out(args.out, std::ios::trunc);
  out << SavedPlanJson(session->manifest, prepared, IDSYNC_VERSION);
  out.close();
  if (!out) {
    std::cerr << "error: " << args.out << ": cannot write the saved plan\n";
    return kExitError;
  }
  std::cerr << "Plan saved to " << args.out << "; apply exactly it with: idsync apply --plan " << args.out
            << " (with the same -f and --platform)\n";
  std::vector<PlatformOutcome> outcomes;
  for (const auto& p : prepared) outcomes.push_back(p.planned);
  return ExitCodeFor(outcomes, args.detailed_exitcode, args.detailed_exitcode);
}

int CmdApplySaved(const ApplyArgs& args, Env& env) {
  auto saved = ReadSavedPlan(args.plan_file);
  if (!saved.ok()) {
    std::cerr << "error: " << saved.status().message() << '\n';
    return kExitError;
  }
  auto session = OpenSessionFromArgs(args.manifest, env);
  if (!session.ok()) return kExitError;
  auto locks = LockForApply(*session, args.lock_timeout);  // held to the end, before the store goes
  if (!locks.ok()) return kExitError;
  Status made = CheckSavedPlanMade(*saved, session->manifest, session->selected, IDSYNC_VERSION);
  if (!made.ok()) {
    std::cerr << "error: " << args.plan_file << ": " << made.message() << "; nothing was applied\n";
    return kExitError;
  }
  auto prepared = PrepareAll(*session, PlanOptionsOf(args), env);
  Status live = CheckSavedPlanLive(*saved, prepared);
  if (!live.ok()) {
    std::cerr << "error: " << args.plan_file << ": " << live.message() << "; nothing was applied\n";
    return kExitError;
  }
  return ApplyAndReport(*session, prepared, /*print_plan=*/true, env);
}

int CmdApplyConfirmed(const ApplyArgs& args, Env& env) {
  auto session = OpenSessionFromArgs(args.manifest, env);
  if (!session.ok()) return kExitError;
  auto locks = LockForApply(*session, args.lock_timeout);  // held to the end, before the store goes
  if (!locks.ok()) return kExitError;
  auto prepared = PrepareAll(*session, PlanOptionsOf(args), env);
  std::cout << Render(PlanOf(prepared), Format::kText, RenderOptions{.color = StdoutColor()});
  std::cout.flush();
  if (!args.auto_approve && AnythingToSend(prepared) && !AskToApply(std::cin, std::cerr)) {
    std::cerr << "Apply cancelled: nothing was sent.\n";
    return kExitError;
  }
  return ApplyAndReport(*session, prepared, /*print_plan=*/false, env);
}

}  // namespace idsync
