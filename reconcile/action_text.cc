#include "reconcile/action_text.h"

#include <ctime>

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

namespace {

std::string Named(const Grants& g, const std::map<std::string, std::string>& names) {
  if (names.empty()) return ToString(g);
  auto name = [&](const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };
  Grants shown;
  if (g.single) shown.single = name(*g.single);
  for (const auto& [scope, role] : g.scoped) shown.scoped[scope] = name(role);
  for (const auto& item : g.set) shown.set.insert(name(item));
  return ToString(shown);
}

}  // namespace

std::string GrantsCell(const Action& a, const std::map<std::string, std::string>& names) {
  if (a.verb == Verb::kUpdate) return "";
  if (a.after.empty() || a.before == a.after) return Named(a.before, names);
  if (a.before.empty()) return Named(a.after, names);
  return Named(a.before, names) + " \u2192 " + Named(a.after, names);
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

std::string UtcText(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string ExpiringLine(const ExpiringEntry& e) {
  return e.email + ": " + e.what + " expires " + e.text + " (" + UtcText(e.at) + ")" +
         (e.offboards ? "; then offboarded" : "; then revoked");
}

}  // namespace idsync
