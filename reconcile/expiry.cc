#include "reconcile/expiry.h"

#include <algorithm>

namespace idsync {
namespace {

const ExpiryStep* Passed(const DesiredUser& user, int64_t now) { return LastPassedExpiry(user, now); }

}  // namespace

std::optional<DesiredUsers> DesiredAt(const DesiredUsers& desired, int64_t now,
                                      std::map<std::string, std::string>& reasons) {
  if (now <= 0) return std::nullopt;
  bool any = false;
  for (const auto& entry : desired) any = any || Passed(entry.second, now);
  if (!any) return std::nullopt;
  DesiredUsers out;
  for (const auto& [email, user] : desired) {
    const ExpiryStep* step = Passed(user, now);
    if (!step) {
      out.emplace_hint(out.end(), email, user);
      continue;
    }
    reasons[email] = "expired " + step->text + " (" + step->what + ")";
    if (!step->grants) continue;
    DesiredUser now_user = user;
    now_user.grants = *step->grants;
    now_user.roles = step->roles;
    now_user.single_from = step->single_from;
    now_user.single_via = step->single_via;
    now_user.expiries.erase(now_user.expiries.begin(),
                            now_user.expiries.begin() + (step - user.expiries.data()) + 1);
    out.emplace_hint(out.end(), email, std::move(now_user));
  }
  return out;
}

std::vector<ExpiringEntry> ExpiringWithin(const DesiredUsers& desired, int64_t now,
                                          int64_t within) {
  std::vector<ExpiringEntry> out;
  if (now <= 0) return out;
  for (const auto& [email, user] : desired)
    for (const auto& step : user.expiries)
      if (step.at > now && step.at <= now + within)
        out.push_back({email, step.what, step.text, step.at, !step.grants.has_value()});
  std::stable_sort(out.begin(), out.end(),
                   [](const ExpiringEntry& a, const ExpiringEntry& b) { return a.at < b.at; });
  return out;
}

}  // namespace idsync
