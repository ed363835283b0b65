// The JSON plan, format_version 2 (reconcile/PLAN_FORMAT.md). Keys in a fixed order.
#include <nlohmann/json.hpp>

#include "reconcile/grants_json_value.h"
#include "reconcile/render_formats.h"
#include "reconcile/tally.h"

namespace idsync {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kFormatVersion = 2;  // 2: "expiring"

Json NullIfEmpty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

void PutCounts(const Tally& t, Json& out) {
  out["invite"] = t.invite;
  out["adopt"] = t.adopt;
  out["change"] = t.change;
  out["retire"] = t.retire;
  out["remove"] = t.remove;
  out["deferred"] = t.deferred;
  out["held"] = t.held;
  out["changes"] = t.changes;
}

Json ActionJson(const Action& a) {
  Json out = Json::object();
  out["platform"] = a.platform;
  out["email"] = a.email;
  out["action"] = VerbName(a.verb);
  out["user_id"] = NullIfEmpty(a.user_id);
  out["before"] = GrantsToJsonValue(a.before);
  out["after"] = GrantsToJsonValue(a.after);
  out["reason"] = a.reason;
  out["disposition"] = DispositionName(a.disposition);
  out["drift"] = a.drift;
  return out;
}

Json PlatformJson(const PlatformPlan& p) {
  Json out = Json::object();
  out["platform"] = p.platform;
  out["type"] = std::string(PlatformTypeName(p.type));
  out["error"] = NullIfEmpty(p.error.message());
  out["blocked"] = p.blocked;
  out["blocked_reason"] = NullIfEmpty(p.blocked_reason);
  Json counts = Json::object();
  counts["desired"] = p.desired;
  counts["live"] = p.live;
  counts["managed"] = p.managed;
  counts["unmanaged"] = p.unmanaged.size();
  PutCounts(Count(p), counts);
  out["counts"] = std::move(counts);
  out["unmanaged"] = p.unmanaged;
  Json actions = Json::array();
  for (const auto& a : p.actions) actions.push_back(ActionJson(a));
  out["actions"] = std::move(actions);
  Json expiring = Json::array();
  for (const auto& e : p.expiring)
    expiring.push_back(Json{{"email", e.email}, {"what", e.what}, {"expires", e.text},
                            {"at", e.at}, {"offboards", e.offboards}});
  out["expiring"] = std::move(expiring);
  return out;
}

}  // namespace

std::string RenderJson(const Plan& plan) {
  Json out = Json::object();
  out["format_version"] = kFormatVersion;
  Json platforms = Json::array();
  std::size_t errors = 0, blocked = 0;
  for (const auto& p : plan.platforms) {
    platforms.push_back(PlatformJson(p));
    errors += p.error.ok() ? 0 : 1;
    blocked += p.blocked ? 1 : 0;
  }
  out["platforms"] = std::move(platforms);
  Json summary = Json::object();
  summary["platforms"] = plan.platforms.size();
  summary["errors"] = errors;
  summary["blocked"] = blocked;
  PutCounts(Count(plan), summary);
  out["summary"] = std::move(summary);
  // Invalid UTF-8 in a name is replaced rather than thrown on.
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace idsync
