#include "reconcile/removal_guard.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace idsync {
namespace {

bool IsRemoval(const Action& a) {
  return (a.verb == Verb::kRetire || a.verb == Verb::kRemove) &&
         a.disposition == Disposition::kApply;
}

std::string FormatNumber(double value) {
  std::string s = std::to_string(value);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// "max_removals 5", "max_removals 10% of 40 managed = 4", "max_removals 5 (default: ...)".
std::string DescribeLimit(const std::optional<RemovalLimit>& limit, std::size_t managed,
                          std::size_t value) {
  if (!limit)
    return "max_removals " + std::to_string(value) +
           " (default: 5 or 10% of " + std::to_string(managed) +
           " managed, whichever is larger)";
  if (limit->percent)
    return "max_removals " + FormatNumber(limit->value) + "% of " + std::to_string(managed) +
           " managed = " + std::to_string(value);
  return "max_removals " + std::to_string(value);
}

}  // namespace

std::size_t RemovalLimitFor(const std::optional<RemovalLimit>& limit,
                            std::size_t managed_count) {
  const double managed = static_cast<double>(managed_count);
  if (!limit) return std::max<std::size_t>(5, managed_count / 10);
  // A small epsilon keeps 10% of 50 at 5 despite binary floating point.
  const double raw = limit->percent ? limit->value * managed / 100.0 : limit->value;
  return raw <= 0 ? 0 : static_cast<std::size_t>(std::floor(raw + 1e-9));
}

void ApplyRemovalGuard(const PlatformPolicy& policy, std::size_t desired_count,
                       std::size_t managed_count, const PlanOptions& options,
                       PlatformPlan& plan) {
  const auto count = static_cast<std::size_t>(
      std::count_if(plan.actions.begin(), plan.actions.end(), IsRemoval));
  if (count == 0) return;
  const std::size_t limit = RemovalLimitFor(policy.max_removals, managed_count);
  const bool emptied = desired_count == 0 && managed_count > 0;
  if (count <= limit && !emptied) return;
  if (options.allow_removals && *options.allow_removals >= 0 &&
      count <= static_cast<std::size_t>(*options.allow_removals))
    return;

  std::string reason;
  if (emptied)
    reason = "the manifest lists no users for " + policy.platform + " while idsync manages " +
             std::to_string(managed_count) + ": refusing to remove them all";
  else
    reason = std::to_string(count) + " retire/remove actions > " +
             DescribeLimit(policy.max_removals, managed_count, limit);
  if (options.allow_removals)
    reason += "; --allow-removals " + std::to_string(*options.allow_removals) +
              " is fewer than " + std::to_string(count);
  for (auto& a : plan.actions)
    if (IsRemoval(a)) a.disposition = Disposition::kHeld;
  plan.blocked = true;
  plan.blocked_reason = std::move(reason);
}

}  // namespace idsync
