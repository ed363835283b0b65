#include "daemon/cli/saved_plan.h"

#include <fstream>
#include <set>
#include <sstream>

#include "reconcile/render.h"

namespace idsync {
namespace {

using Json = nlohmann::json;
constexpr int kSavedPlanVersion = 1;

std::string Short(const std::string& digest) { return digest.substr(0, 12); }

std::string Names(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

// An action as compared: held and apply are one (--allow-removals moves between them).
Json Comparable(Json action) {
  if (action.value("disposition", "") == "held") action["disposition"] = "apply";
  return action;
}

const Json* PlatformIn(const Json& platforms, const std::string& name) {
  for (const auto& p : platforms)
    if (p.value("platform", "") == name) return &p;
  return nullptr;
}

// The actions made now differ from the saved ones: a short description of the first difference.
std::string FirstDifference(const Json& saved, const Json& now) {
  std::size_t n = std::max(saved.size(), now.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= saved.size()) return "an action that is not in the saved plan: " + now[i].dump();
    if (i >= now.size()) return "an action of the saved plan is no longer planned: " + saved[i].dump();
    if (Comparable(saved[i]) != Comparable(now[i]))
      return "saved " + saved[i].dump() + ", now " + now[i].dump();
  }
  return "";
}

}  // namespace

std::string SavedPlanJson(const Manifest& manifest, const std::vector<PreparedPlatform>& prepared,
                          const std::string& version) {
  Json platforms = Json::array();
  for (const auto& p : prepared) {
    platforms.push_back({{"platform", p.config->name},
                         {"type", std::string(PlatformTypeName(p.config->type))},
                         {"live_fingerprint", p.fingerprint}});
  }
  nlohmann::ordered_json out = {{"saved_plan_version", kSavedPlanVersion},
                                {"idsync_version", version},
                                {"manifest_digest", manifest.digest},
                                {"platforms", std::move(platforms)},
                                {"plan", Json::parse(Render(PlanOf(prepared), Format::kJson))}};
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

StatusOr<Json> ReadSavedPlan(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(path + ": cannot read the saved plan");
  std::stringstream text;
  text << in.rdbuf();
  Json saved = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (saved.is_discarded() || !saved.is_object())
    return InvalidArgument(path + ": not a saved plan (not a JSON object)");
  if (saved.value("saved_plan_version", 0) != kSavedPlanVersion || !saved.contains("plan") ||
      !saved["plan"].contains("platforms") || !saved.contains("platforms"))
    return InvalidArgument(path + ": not a saved plan of this format (saved_plan_version " +
                           std::to_string(kSavedPlanVersion) + " expected); make it again with plan --out");
  return saved;
}

Status CheckSavedPlanMade(const Json& saved, const Manifest& manifest,
                          const std::vector<const PlatformConfig*>& selected, const std::string& version) {
  const std::string made_by = saved.value("idsync_version", "");
  if (made_by != version)
    return FailedPrecondition("saved plan refused: it was made by idsync " + made_by + ", this is idsync " +
                              version + "; make the plan again with this version");
  std::set<std::string> planned, now;
  for (const auto& p : saved["platforms"]) planned.insert(p.value("platform", "") + " (" + p.value("type", "") + ")");
  for (const PlatformConfig* p : selected) now.insert(p->name + " (" + std::string(PlatformTypeName(p->type)) + ")");
  if (planned != now)
    return FailedPrecondition("saved plan refused: it is for the platforms " + Names(planned) +
                              ", this apply selects " + Names(now) + " (use the same --platform flags)");
  const std::string digest = saved.value("manifest_digest", "");
  if (digest != manifest.digest)
    return FailedPrecondition("stale plan: the manifest changed since the plan was made (manifest digest " +
                              Short(digest) + "…, now " + Short(manifest.digest) +
                              "…; the files or the -f paths differ); make the plan again");
  return OkStatus();
}

Status CheckSavedPlanLive(const Json& saved, const std::vector<PreparedPlatform>& prepared) {
  Json now = Json::parse(Render(PlanOf(prepared), Format::kJson));
  for (const auto& p : prepared) {
    const std::string& name = p.config->name;
    if (!p.planned.plan.error.ok())
      return FailedPrecondition("saved plan not applied: " + name + " could not be listed and planned now: " +
                                p.planned.plan.error.message());
    const Json* meta = PlatformIn(saved["platforms"], name);
    if (!meta || meta->value("live_fingerprint", "") != p.fingerprint)
      return FailedPrecondition("stale plan: " + name +
                                "'s live users changed since the plan was made; make the plan again");
    const Json* saved_plan = PlatformIn(saved["plan"]["platforms"], name);
    const Json* now_plan = PlatformIn(now["platforms"], name);
    const Json none = Json::array();
    std::string diff = FirstDifference(saved_plan ? saved_plan->value("actions", none) : none,
                                       now_plan ? now_plan->value("actions", none) : none);
    if (!diff.empty())
      return FailedPrecondition("stale plan: " + name +
                                "'s plan made now differs from the saved one (the state DB changed since?): " +
                                diff);
  }
  return OkStatus();
}

}  // namespace idsync
