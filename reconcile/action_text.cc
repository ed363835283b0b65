#include "reconcile/action_text.h"

namespace idsync {

char Rune(Verb v) {
  switch (v) {
    case Verb::kInvite:
    case Verb::kReinvite: return '+';
    case Verb::kAdopt: return '=';
    case Verb::kGrant:
    case Verb::kRevoke:
    case Verb::kUpdate:
    case Verb::kReactivate: return '~';
    case Verb::kRetire:
    case Verb::kRemove: return '-';
  }
  return '~';
}

std::string GrantsCell(const Action& a) {
  if (a.verb == Verb::kUpdate) return "";
  if (a.after.empty() || a.before == a.after) return ToString(a.before);
  if (a.before.empty()) return ToString(a.after);
  return ToString(a.before) + " \u2192 " + ToString(a.after);
}

std::string Annotation(const Action& a) {
  std::string out;
  switch (a.disposition) {
    case Disposition::kApply: out = "(" + a.reason + ")"; break;
    case Disposition::kDeferred: out = "(deferred: " + a.reason + ")"; break;
    case Disposition::kHeld: out = "(" + a.reason + ") (held by the removal guard)"; break;
  }
  if (a.drift) out += " [drift]";
  return out;
}

}  // namespace idsync
