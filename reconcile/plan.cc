#include "reconcile/plan.h"

#include <algorithm>
#include <array>
#include <utility>

#include "reconcile/action_text.h"

namespace idsync {
namespace {

constexpr std::array<std::pair<Verb, const char*>, 9> kVerbNames = {{
    {Verb::kInvite, "invite"},
    {Verb::kReinvite, "reinvite"},
    {Verb::kAdopt, "adopt"},
    {Verb::kGrant, "grant"},
    {Verb::kRevoke, "revoke"},
    {Verb::kUpdate, "update"},
    {Verb::kReactivate, "reactivate"},
    {Verb::kRetire, "retire"},
    {Verb::kRemove, "remove"},
}};

}  // namespace

const char* VerbName(Verb v) {
  for (const auto& [verb, name] : kVerbNames)
    if (verb == v) return name;
  return "invite";  // unreachable: every enumerator is in the table
}

std::optional<Verb> ParseVerb(const std::string& name) {
  for (const auto& [verb, verb_name] : kVerbNames)
    if (name == verb_name) return verb;
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
