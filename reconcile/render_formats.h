// One function per format behind render.h's Render. Internal to reconcile/.
#pragma once

#include <string>

#include "reconcile/plan.h"

namespace idsync {

std::string RenderText(const Plan& plan, bool color);
std::string RenderJson(const Plan& plan);
std::string RenderMarkdown(const Plan& plan);

}  // namespace idsync
