#include "reconcile/plan.h"

#include <algorithm>
#include <utility>

#include "reconcile/action_text.h"

namespace idsync {
namespace {

constexpr Verb kVerbs[] = {Verb::kInvite, Verb::kReinvite, Verb::kAdopt,      Verb::kGrant,
                           Verb::kRevoke, Verb::kUpdate,   Verb::kReactivate, Verb::kRetire,
                           Verb::kRemove};
constexpr Disposition kDispositions[] = {Disposition::kApply, Disposition::kDeferred,
                                         Disposition::kHeld};

}  // namespace

const char* VerbName(Verb v) {
  switch (v) {
    case Verb::kInvite: return "invite";
    case Verb::kReinvite: return "reinvite";
    case Verb::kAdopt: return "adopt";
    case Verb::kGrant: return "grant";
    case Verb::kRevoke: return "revoke";
    case Verb::kUpdate: return "update";
    case Verb::kReactivate: return "reactivate";
    case Verb::kRetire: return "retire";
    case Verb::kRemove: return "remove";
  }
  return "invite";  // unreachable: the switch names every enumerator
}

std::optional<Verb> ParseVerb(const std::string& name) {
  for (Verb v : kVerbs)
    if (name == VerbName(v)) return v;
  return std::nullopt;
}

const char* DispositionName(Disposition d) {
  switch (d) {
    case Disposition::kApply: return "apply";
    case Disposition::kDeferred: return "deferred";
    case Disposition::kHeld: return "held";
  }
  return "apply";
}

std::optional<Disposition> ParseDisposition(const std::string& name) {
  for (Disposition d : kDispositions)
    if (name == DispositionName(d)) return d;
  return std::nullopt;
}

std::string ToString(const Action& a) {
  std::string out = std::string(1, Rune(a.verb)) + " " + VerbName(a.verb) + " " + a.email;
  std::string grants = GrantsCell(a);
  if (!grants.empty()) out += " " + grants;
  out += " " + Annotation(a);
  return out;
}

std::size_t PlatformPlan::changes() const {
  return static_cast<std::size_t>(std::count_if(
      actions.begin(), actions.end(), [this](const Action& a) {
        if (a.disposition != Disposition::kApply) return false;
        // An adopt only records the account, except where role and status cannot be
        // read (orgadmin): there it re-asserts them (SPEC §3).
        return a.verb != Verb::kAdopt || CapabilitiesOf(type).grants_write_only;
      }));
}

std::size_t PlatformPlan::held() const {
  return static_cast<std::size_t>(std::count_if(
      actions.begin(), actions.end(),
      [](const Action& a) { return a.disposition == Disposition::kHeld; }));
}

}  // namespace idsync
