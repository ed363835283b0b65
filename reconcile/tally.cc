#include "reconcile/tally.h"

namespace idsync {

Tally& Tally::operator+=(const Tally& o) {
  invite += o.invite;
  adopt += o.adopt;
  change += o.change;
  retire += o.retire;
  remove += o.remove;
  deferred += o.deferred;
  held += o.held;
  changes += o.changes;
  actions += o.actions;
  return *this;
}

Tally Count(const PlatformPlan& plan) {
  Tally t;
  t.actions = plan.actions.size();
  t.changes = plan.changes();
  for (const auto& a : plan.actions) {
    if (a.disposition == Disposition::kDeferred) {
      ++t.deferred;
      continue;
    }
    if (a.disposition == Disposition::kHeld) {
      ++t.held;
      continue;
    }
    switch (a.verb) {
      case Verb::kInvite:
      case Verb::kReinvite: ++t.invite; break;
      case Verb::kAdopt: ++t.adopt; break;
      case Verb::kGrant:
      case Verb::kRevoke:
      case Verb::kUpdate:
      case Verb::kReactivate: ++t.change; break;
      case Verb::kRetire: ++t.retire; break;
      case Verb::kRemove: ++t.remove; break;
    }
  }
  return t;
}

Tally Count(const Plan& plan) {
  Tally total;
  for (const auto& p : plan.platforms) total += Count(p);
  return total;
}

std::string SummaryLine(const Tally& t) {
  std::string out = "Plan: " + std::to_string(t.invite) + " to invite, ";
  if (t.adopt) out += std::to_string(t.adopt) + " to adopt, ";
  out += std::to_string(t.change) + " to change, " + std::to_string(t.retire) + " to retire, " +
         std::to_string(t.remove) + " to remove; " + std::to_string(t.deferred) + " deferred; " +
         std::to_string(t.held) + " held";
  return out;
}

std::string SizesLine(const PlatformPlan& plan) {
  return std::to_string(plan.desired) + " desired, " + std::to_string(plan.live) + " live, " +
         std::to_string(plan.managed) + " managed";
}

std::string BlockedHint(const PlatformPlan& plan) {
  return "raise max_removals or apply with --allow-removals " + std::to_string(plan.held());
}

}  // namespace idsync
