#include "config/explain.h"

#include <algorithm>

#include "config/resolve.h"
#include "core/text.h"

namespace idsync {
namespace {

const User* FindUser(const Manifest& manifest, const std::string& email) {
  for (const auto& u : manifest.users)
    if (u.email == email) return &u;
  return nullptr;
}

// The roles of `sources` that bind `platform`, with their binding and expiry.
std::vector<ExplainRole> RolesOn(const Manifest& manifest, const std::vector<RoleSource>& sources,
                                 const std::string& platform, int64_t now) {
  std::vector<ExplainRole> out;
  for (const auto& s : sources) {
    auto role = manifest.roles.find(s.role);
    if (role == manifest.roles.end()) continue;
    auto binding = role->second.bindings.find(platform);
    if (binding == role->second.bindings.end()) continue;
    out.push_back({s.role, s.path, ToString(binding->second), s.expires, s.what,
                   s.expires && s.expires->at <= now});
  }
  return out;
}

// Fills desired, grants, upcoming and the verdict of a user the manifest lists.
void Listed(const User& user, const DesiredUsers* users, int64_t now, ExplainPlatform& p) {
  const DesiredUser* d = nullptr;
  if (users) {
    auto it = users->find(user.email);
    if (it != users->end()) d = &it->second;
  }
  if (!d) {
    p.verdict = "not desired: no effective role binds " + p.platform;
    return;
  }
  const ExpiryStep* passed = LastPassedExpiry(*d, now);
  for (const auto& step : d->expiries)
    if (step.at > now) p.upcoming.push_back(step);
  if (passed && !passed->grants) {
    p.verdict = "not desired: expired " + passed->text + " (" + passed->what + ")";
    return;
  }
  p.desired = true;
  p.grants = passed ? *passed->grants : d->grants;
  p.single_from = passed ? passed->single_from : d->single_from;
  p.single_via = passed ? passed->single_via : d->single_via;
  p.verdict = user.suspended ? "suspended: retired where the platform can, else removed"
                             : "desired: an effective role binds " + p.platform;
}

void NotListed(const ExplainInput& in, ExplainPlatform& p) {
  const bool live = p.live && p.live->user;
  if (p.managed && !p.managed->retired)
    p.verdict = "not in the manifest, managed by idsync: due for offboarding";
  else if (p.managed)
    p.verdict = "not in the manifest; idsync retired this account";
  else if (live)
    p.verdict = "not in the manifest and not managed by idsync: unmanaged (" + p.live->policy + ")";
  else
    p.verdict = in.live.count(p.platform) ? "not on " + p.platform + " and unknown to idsync"
                                          : "not in the manifest nor managed by idsync";
}

}  // namespace

Explanation Explain(const Manifest& manifest, const std::map<std::string, DesiredUsers>& desired,
                    const ExplainInput& in) {
  Explanation out;
  out.email = NormalizeEmail(in.email);
  out.journal = in.journal;
  const User* user = FindUser(manifest, out.email);
  std::vector<RoleSource> sources;
  if (user) {
    out.listed = user->mark;
    out.suspended = user->suspended;
    out.expires = user->expires.opt();
    sources = EffectiveRolesOf(*user, manifest.groups);
  }
  bool managed_anywhere = false, live_anywhere = false;
  for (const auto& [name, config] : manifest.platforms) {
    if (!in.platforms.empty() && std::find(in.platforms.begin(), in.platforms.end(), name) == in.platforms.end())
      continue;
    ExplainPlatform& p = out.platforms.emplace_back();
    p.platform = name;
    if (auto m = in.managed.find(name); m != in.managed.end()) p.managed = m->second;
    if (auto l = in.live.find(name); l != in.live.end()) p.live = l->second;
    for (const auto& j : in.journal)
      if (j.platform == name && j.status == "succeeded" && j.at > p.last_applied_at) p.last_applied_at = j.at;
    managed_anywhere = managed_anywhere || p.managed;
    live_anywhere = live_anywhere || (p.live && p.live->user);
    if (!user) {
      NotListed(in, p);
      continue;
    }
    p.roles = RolesOn(manifest, sources, name, in.now);
    auto users = desired.find(name);
    Listed(*user, users == desired.end() ? nullptr : &users->second, in.now, p);
  }
  if (user) out.summary = "in the manifest";
  else if (managed_anywhere) out.summary = "not in the manifest; managed by idsync: due for offboarding";
  else if (live_anywhere) out.summary = "not in the manifest; unmanaged";
  else out.summary = in.live.empty() ? "unknown: in neither the manifest nor the state"
                                     : "unknown: in neither the manifest, the state nor live";
  return out;
}

}  // namespace idsync
