// Rendering a plan for people and programs (SPEC §4 `plan --format`).
//   text:     Terraform-like; a header per platform, one line per action with its rune
//             (+ invite/reinvite, ~ grant/revoke/update/reactivate, - retire/remove,
//             = adopt), the reason, deferred/held notes and [drift]; a summary line per
//             platform and in total. ANSI colour only when options.color.
//   json:     stable, versioned; documented in reconcile/PLAN_FORMAT.md.
//   markdown: ready to paste as a pull-request comment.
// Pure functions of the plan. A plan holds no secrets, and nothing here adds any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reconcile/plan.h"

namespace idsync {

enum class Format { kText, kJson, kMarkdown };

struct RenderOptions {
  bool color = false;  // text only: ANSI colours (callers enable it on a terminal)
};

std::string Render(const Plan& plan, Format format, const RenderOptions& options = {});

// "text", "json", "markdown"; nullopt otherwise.
std::optional<Format> ParseFormat(std::string_view name);

}  // namespace idsync
