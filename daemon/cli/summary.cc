#include "daemon/cli/summary.h"

#include <sstream>

namespace idsync {
namespace {

std::string Paint(const std::string& text, const char* code, bool color) {
  return color && *code ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

}  // namespace

std::string ApplyTotals(const std::vector<PlatformOutcome>& outcomes) {
  std::size_t ok = 0, failed = 0, deferred = 0, held = 0;
  for (const auto& o : outcomes) {
    ok += o.succeeded;
    failed += o.failures.size();
    deferred += o.deferred;
    held += o.held;
  }
  return "Apply complete: " + std::to_string(ok) + " succeeded, " + std::to_string(failed) + " failed, " +
         std::to_string(deferred) + " deferred, " + std::to_string(held) + " held.\n";
}

std::string ApplySummary(const std::vector<PlatformOutcome>& outcomes, bool color) {
  std::ostringstream s;
  for (const auto& o : outcomes) {
    s << o.plan.platform << ": ";
    if (!o.plan.error.ok()) {
      s << Paint("not applied: " + o.plan.error.message(), "31", color) << '\n';
      continue;
    }
    s << Paint(std::to_string(o.succeeded) + " succeeded", o.succeeded ? "32" : "", color) << ", "
      << Paint(std::to_string(o.failures.size()) + " failed", o.failures.empty() ? "" : "31", color)
      << ", " << o.deferred << " deferred, " << o.held << " held";
    if (o.plan.blocked) s << " (" << o.plan.blocked_reason << ")";
    s << '\n';
    for (const auto& f : o.failures)
      s << "  " << Paint("! " + std::string(VerbName(f.action.verb)) + " " + f.action.email + ": " + f.error.message(),
                         "31", color)
        << '\n';
  }
  s << ApplyTotals(outcomes);
  return s.str();
}

}  // namespace idsync
