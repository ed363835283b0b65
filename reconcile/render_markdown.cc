// Markdown for a pull-request comment: a heading, a table per platform, warnings for
// held removals and errors.
#include "reconcile/action_text.h"
#include "reconcile/render_formats.h"
#include "reconcile/tally.h"

namespace idsync {
namespace {

// Text safe inside a table cell: no pipes, no line breaks, no HTML.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n':
      case '\r': out += ' '; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '`': out += "\\`"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ReasonCell(const Action& a) {
  std::string out;
  switch (a.disposition) {
    case Disposition::kApply: out = Cell(a.reason); break;
    case Disposition::kDeferred: out = "**deferred**: " + Cell(a.reason); break;
    case Disposition::kHeld: out = Cell(a.reason) + "; **held by the removal guard**"; break;
  }
  if (a.drift) out += " **[drift]**";
  return out;
}

void PlatformSection(const PlatformPlan& p, std::string& out) {
  out += "### " + Cell(p.platform) + " (" + std::string(PlatformTypeName(p.type)) + ")\n\n";
  if (!p.error.ok()) {
    out += "> **Error:** this platform could not be planned; nothing will be applied to it: " +
           Cell(p.error.message()) + "\n\n";
    return;
  }
  out += SizesLine(p) + "\n\n";
  if (p.blocked)
    out += "> **Removals held by the guard:** " + Cell(p.blocked_reason) + ". To proceed, " +
           BlockedHint(p) + ".\n\n";
  if (p.actions.empty()) {
    out += "No changes.\n\n";
  } else {
    out += "| | action | user | grants | reason |\n|---|---|---|---|---|\n";
    for (const auto& a : p.actions)
      out += std::string("| `") + Rune(a.verb) + "` | " + VerbName(a.verb) + " | " +
             Cell(a.email) + " | " + Cell(GrantsCell(a, p.names)) + " | " + ReasonCell(a) + " |\n";
    out += "\n" + SummaryLine(Count(p)) + "\n\n";
  }
  if (!p.expiring.empty()) {
    out += "Expiring soon:\n\n";
    for (const auto& e : p.expiring) out += "- " + Cell(ExpiringLine(e)) + "\n";
    out += "\n";
  }
  if (!p.unmanaged.empty()) {
    out += "Unmanaged accounts (not in the manifest, not managed by idsync):";
    for (const auto& email : p.unmanaged) out += " " + Cell(email);
    out += "\n\n";
  }
}

}  // namespace

std::string RenderMarkdown(const Plan& plan) {
  const Tally total = Count(plan);
  std::string out = "## idsync plan\n\n";
  out += total.actions == 0 ? "**No changes.**\n\n" : "**" + SummaryLine(total) + "**\n\n";
  for (const auto& p : plan.platforms) {
    if (!p.error.ok()) out += "> **Error:** " + Cell(p.platform) + " could not be planned.\n\n";
    if (p.blocked)
      out += "> **Held:** removals on " + Cell(p.platform) + " are held by the guard.\n\n";
  }
  for (const auto& p : plan.platforms) PlatformSection(p, out);
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

}  // namespace idsync
