#include "daemon/apply/baseline.h"

#include "config/resolve.h"

namespace idsync {

Baseline BaselineOf(const Manifest& manifest) {
  Baseline baseline;
  for (const auto& [platform, users] : ResolveDesired(manifest)) {
    std::set<std::string>& emails = baseline[platform];
    for (const auto& [email, user] : users) emails.insert(email);
  }
  return baseline;
}

std::set<std::string> AddBaselineManaged(const Baseline& baseline, const std::string& platform,
                                         const LiveState& live, ManagedAccounts& managed,
                                         int64_t now) {
  std::set<std::string> added;
  auto bound = baseline.find(platform);
  if (bound == baseline.end()) return added;
  for (const auto& email : bound->second) {
    auto it = live.users.find(email);
    if (it == live.users.end() || managed.count(email)) continue;
    const LiveUser& u = it->second;
    ManagedRecord& m = managed[email];
    m.user_id = u.id;
    m.grants = u.grants;
    m.retired = u.status == LiveStatus::kRetired;
    m.first_managed = now;
    m.last_seen = now;
    m.last_asserted = now;  // no orgadmin re-assertion the production state would not plan
    added.insert(email);
  }
  return added;
}

void NoteBaselineReasons(const std::set<std::string>& added, PlatformPlan& plan) {
  if (added.empty()) return;
  for (auto& a : plan.actions) {
    if ((a.verb == Verb::kRetire || a.verb == Verb::kRemove) && added.count(a.email))
      a.reason += "; managed per --baseline";
  }
}

}  // namespace idsync
