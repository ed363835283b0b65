#include "reconcile/render.h"

#include "reconcile/render_formats.h"

namespace idsync {

std::string Render(const Plan& plan, Format format, const RenderOptions& options) {
  switch (format) {
    case Format::kText: return RenderText(plan, options.color);
    case Format::kJson: return RenderJson(plan);
    case Format::kMarkdown: return RenderMarkdown(plan);
  }
  return RenderText(plan, options.color);
}

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "markdown") return Format::kMarkdown;
  return std::nullopt;
}

}  // namespace idsync
