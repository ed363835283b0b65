#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include "daemon/cli/commands.h"
#include "daemon/cli/confirm.h"
#include "daemon/cli/reviewed.h"
#include "daemon/cli/exit_codes.h"
#include "config/loader.h"
#include "core/text.h"
#include "daemon/apply/git_info.h"
#include "daemon/apply/locks.h"
#include "daemon/apply/session.h"
#include "core/text.h"
#include "daemon/cli/progress.h"
#include "daemon/cli/session_args.h"
#include "daemon/cli/summary.h"
#include "reconcile/render.h"

namespace idsync {
namespace {

Plan PlanOf(const std::vector<PlatformOutcome>& outcomes) {
  Plan plan;
  for (const auto& o : outcomes) plan.platforms.push_back(o.plan);
  return plan;
}

// --expiring-within: N days ("7d") or a duration (ms|s|m|h), in seconds.
std::optional<int64_t> ParseExpiringWithin(const std::string& text) {
  auto d = ParseDurationOrDays(text);
  return d ? std::optional<int64_t>(d->count() / 1000) : std::nullopt;
}

// Loads and validates the baseline manifest (files or directories, like -f), printing
// every diagnostic prefixed "baseline: ". An invalid baseline is an error: a wrong
// baseline would hide removals.
StatusOr<Baseline> LoadBaseline(const std::vector<std::string>& paths) {
  LoadResult loaded = LoadManifest(paths);
  for (const auto& d : loaded.diagnostics) std::cerr << "baseline: " << ToString(d) << '\n';
  if (!loaded.ok()) {
    std::cerr << "baseline manifest invalid: " << loaded.diagnostics.size()
              << " error(s); nothing was planned\n";
    return InvalidArgument("invalid baseline manifest");
  }
  return BaselineOf(*loaded.manifest);
}

bool UseColor() { return isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr; }

// After the plan: each failure and each platform not applied, then the totals.
void PrintApplySummary(const std::vector<PlatformOutcome>& outcomes) {
  for (const auto& o : outcomes) {
    for (const auto& f : o.failures)
      std::cout << "  ! " << f.action.platform << ": " << VerbName(f.action.verb) << ' '
                << f.action.email << " failed: " << f.error.message() << '\n';
    if (!o.plan.error.ok())
      std::cout << "  ! " << o.plan.platform << ": not applied: " << o.plan.error.message() << '\n';
  }
  std::cout << ApplyTotals(outcomes);
}

}  // namespace

int CmdPlan(const PlanArgs& args, Env& env) {
  if (!args.out.empty()) return CmdPlanSaved(args, env);
  auto format = ParseFormat(args.format);
  if (!format) {
    std::cerr << "error: --format " << args.format << ": expected text, json or markdown\n";
    return kExitError;
  }
  auto within = ParseExpiringWithin(args.expiring_within);
  if (!within) {
    std::cerr << "error: --expiring-within " << args.expiring_within
              << ": expected a duration such as 7d, 12h or 30m\n";
    return kExitError;
  }
  auto session = OpenSessionFromArgs(args.manifest, env, StoreAccess::kReadOnly);  // plan never writes
  if (!session.ok()) return kExitError;
  ReconcileOptions options;
  options.apply = false;
  options.plan.expiring_within = *within;
  StatusOr<Baseline> baseline = Baseline{};
  if (!args.baseline.empty()) {
    baseline = LoadBaseline(args.baseline);
    if (!baseline.ok()) return kExitError;
    options.baseline = &*baseline;
  }
  auto outcomes = ReconcileAll(*session, options, env);
  std::cout << Render(PlanOf(outcomes), *format, RenderOptions{.color = UseColor()});
  std::cout.flush();
  return ExitCodeFor(outcomes, args.detailed_exitcode, args.detailed_exitcode);
}

int CmdApply(const ApplyArgs& args, Env& env) {
  if (!args.plan_file.empty()) return CmdApplySaved(args, env);
  if (StdinIsTty()) return CmdApplyConfirmed(args, env);
  auto session = OpenSessionFromArgs(args.manifest, env);
  if (!session.ok()) return kExitError;
  // Exclusive: held until the end of this function, released before the store closes.
  auto locks = LockForApply(*session, args.lock_timeout);
  if (!locks.ok()) return kExitError;
  std::string commit = session->manifest.files.empty() ? "" : GitCommitOf(session->manifest.files.front());
  auto run = session->store->BeginRun("apply", session->manifest.digest, commit,
                                      env.NowUnix());
  if (!run.ok()) {
    std::cerr << "error: " << run.status().message() << '\n';
    return kExitError;
  }
  Progress progress(Progress::StderrIsTty());
  ReconcileOptions options;
  options.apply = true;
  options.plan.allow_removals = args.allow_removals;
  options.run_id = *run;
  options.progress = [&progress](const std::string& p, std::size_t done, std::size_t total) {
    progress.Update(p, done, total);
  };
  spdlog::info("apply: run {} started for {} platform(s)", *run, session->selected.size());
  auto outcomes = ReconcileAll(*session, options, env);
  progress.Finish();
  std::cout << Render(PlanOf(outcomes), Format::kText, RenderOptions{.color = UseColor()});
  PrintApplySummary(outcomes);
  std::cout.flush();
  int code = ExitCodeFor(outcomes, /*held_exit=*/true, /*changes_exit=*/false);
  std::string result = code == kExitError ? "failed" : code == kExitHeld ? "blocked" : "ok";
  if (Status s = session->store->FinishRun(*run, result, env.NowUnix()); !s.ok())
    spdlog::warn("apply: run {} stays open (recording its result {} failed: {})", *run, result, s.message());
  return code;
}

}  // namespace idsync
