// Terraform-like text: a header per platform, one aligned line per action.
#include <algorithm>

#include "reconcile/action_text.h"
#include "reconcile/render_formats.h"
#include "reconcile/tally.h"

namespace idsync {
namespace {

constexpr std::size_t kVerbWidth = 10;  // "reactivate"

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  std::string operator()(const std::string& text, const char* sgr) const {
    if (!color_ || text.empty()) return text;
    return std::string("\x1b[") + sgr + "m" + text + "\x1b[0m";
  }

 private:
  bool color_;
};

const char* RuneColor(Verb v) {
  switch (Rune(v)) {
    case '+': return "32";  // green
    case '-': return "31";  // red
    case '=': return "36";  // cyan
    default: return "33";   // yellow
  }
}

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string ActionLine(const Action& a, std::size_t email_width, const Painter& paint,
                       const std::map<std::string, std::string>& names) {
  std::string head = std::string(1, Rune(a.verb)) + " " + Pad(VerbName(a.verb), kVerbWidth);
  std::string line = "  " + paint(head, RuneColor(a.verb)) + " " + Pad(a.email, email_width);
  std::string grants = GrantsCell(a, names);
  if (!grants.empty()) line += "  " + grants;
  std::string note;
  switch (a.disposition) {
    case Disposition::kApply: note = "(" + a.reason + ")"; break;
    case Disposition::kDeferred: note = paint("(deferred: " + a.reason + ")", "2"); break;
    case Disposition::kHeld:
      note = "(" + a.reason + ") " + paint("(held by the removal guard)", "1;31");
      break;
  }
  line += "  " + note;
  if (a.drift) line += " " + paint("[drift]", "35");
  return line + "\n";
}

void PlatformSection(const PlatformPlan& p, const Painter& paint, std::string& out) {
  const std::string title = p.platform + " (" + std::string(PlatformTypeName(p.type)) + ")";
  if (!p.error.ok()) {
    out += paint(title, "1") + ": " + paint("error: " + p.error.message(), "31") + "\n";
    return;
  }
  out += paint(title, "1") + ": " + SizesLine(p) + "\n";
  std::size_t email_width = 0;
  for (const auto& a : p.actions) email_width = std::max(email_width, a.email.size());
  for (const auto& a : p.actions) out += ActionLine(a, email_width, paint, p.names);
  if (p.blocked)
    out += "  " + paint("! removals held: " + p.blocked_reason, "1;31") + "\n    " +
           BlockedHint(p) + "\n";
  if (!p.unmanaged.empty()) {
    out += "  unmanaged (not in the manifest, not managed by idsync):";
    for (const auto& email : p.unmanaged) out += " " + email;
    out += "\n";
  }
  out += p.actions.empty() ? "  No changes.\n" : "  " + SummaryLine(Count(p)) + "\n";
  if (!p.expiring.empty()) out += "  expiring soon:\n";
  for (const auto& e : p.expiring) out += "    " + ExpiringLine(e) + "\n";
}

}  // namespace

std::string RenderText(const Plan& plan, bool color) {
  const Painter paint(color);
  std::string out;
  std::vector<std::string> failed;
  for (const auto& p : plan.platforms) {
    PlatformSection(p, paint, out);
    out += "\n";
    if (!p.error.ok()) failed.push_back(p.platform);
  }
  const Tally total = Count(plan);
  out += total.actions == 0 ? "No changes.\n" : paint(SummaryLine(total), "1") + "\n";
  if (!failed.empty()) {
    std::string names;
    for (const auto& name : failed) names += (names.empty() ? "" : ", ") + name;
    out += paint("Error: " + std::to_string(failed.size()) +
                     (failed.size() == 1 ? " platform" : " platforms") +
                     " could not be planned: " + names,
                 "31") +
           "\n";
  }
  return out;
}

}  // namespace idsync
