#include "config/resolve.h"

#include <algorithm>

#include "config/groups.h"
#include "core/text.h"

namespace idsync {
namespace {

// Folds one role's grants for a platform of `type` into `into` (see ResolveDesired).
void Merge(PlatformType type, const std::string& role, const Grants& grants, DesiredUser& into,
           int& single_offers) {
  into.grants.set.insert(grants.set.begin(), grants.set.end());
  for (const auto& [scope, value] : grants.scoped) {
    auto [it, inserted] = into.grants.scoped.emplace(scope, value);
    if (inserted) continue;
    auto have = ScopedRank(type, it->second), offered = ScopedRank(type, value);
    if (offered && (!have || *offered < *have)) it->second = value;
  }
  if (!grants.single) return;
  ++single_offers;
  auto have = into.grants.single ? SingleRank(type, *into.grants.single) : std::nullopt;
  auto offered = SingleRank(type, *grants.single);
  if (!into.grants.single || (offered && (!have || *offered < *have))) {
    into.grants.single = grants.single;
    into.single_from = role;
  }
}

// How a user reaches one effective role: directly or through one of their groups, and
// until when (the latest of its sources; null: for good).
struct Source {
  std::string group;  // the user's group; "" when the user lists the role
  const Expiry* expires = nullptr;
  std::string what;   // what expires: "user", "role X", "group G"
};

// The earlier of the user's own expiry and a membership's; null when neither.
Source Limit(const User& user, std::string group, const Membership& m, const char* kind) {
  Source s{std::move(group), m.expires ? &*m.expires : nullptr, std::string(kind) + " " + m.name.str()};
  if (user.expires && (!s.expires || user.expires->at <= s.expires->at)) {
    s.expires = &*user.expires;
    s.what = "user";
  }
  return s;
}

// Keeps the source that lasts longer.
void Offer(std::map<std::string, Source>& effective, const std::string& role, Source s) {
  auto [it, inserted] = effective.emplace(role, s);
  if (!inserted && it->second.expires && (!s.expires || s.expires->at > it->second.expires->at))
    it->second = std::move(s);
}

std::map<std::string, Source> EffectiveRoles(const User& user, const GroupRoles& groups) {
  std::map<std::string, Source> effective;
  for (const auto& m : user.roles) Offer(effective, m.name, Limit(user, "", m, "role"));
  for (const auto& m : user.groups) {
    const auto* roles = groups.Of(m.name);
    if (!roles) continue;
    Source s = Limit(user, m.name, m, "group");
    for (const auto& entry : *roles) Offer(effective, entry.first, s);
  }
  return effective;
}

using Binding = std::pair<const std::string*, const Source*>;  // role name, source

// DesiredUser::single_via per (user's group, role), computed once per pair: walking a
// deep path for every user would make resolution quadratic.
class ViaCache {
 public:
  explicit ViaCache(const GroupRoles& groups) : groups_(groups) {}
  const GroupRoles& groups() const { return groups_; }
  const std::string& Of(const std::string& group, const std::string& role) {
    auto [it, inserted] = cache_.try_emplace({group, role});
    if (inserted) it->second = ShortPath(groups_.Path(group, role));
    return it->second;
  }

 private:
  const GroupRoles& groups_;
  std::map<std::pair<std::string, std::string>, std::string> cache_;
};

// The user on one platform from the roles that bind it and still count at `after`
// (every one when after < 0); nullopt when none does.
std::optional<DesiredUser> MergeAt(PlatformType type, const std::vector<std::pair<Binding, const Grants*>>& bindings,
                                   int64_t after, ViaCache& via) {
  DesiredUser d;
  int offers = 0;
  const Source* winner = nullptr;
  for (const auto& [binding, grants] : bindings) {
    const Source& s = *binding.second;
    if (after >= 0 && s.expires && s.expires->at <= after) continue;
    d.roles.push_back(*binding.first);
    const std::string before = d.single_from;
    Merge(type, *binding.first, *grants, d, offers);
    if (d.single_from != before) winner = &s;
  }
  if (d.roles.empty()) return std::nullopt;
  if (offers < 2) d.single_from.clear();
  if (!d.single_from.empty() && winner && !winner->group.empty())
    d.single_via = via.Of(winner->group, d.single_from);
  return d;
}

// The steps expiry makes to a user on one platform (see ExpiryStep).
std::vector<ExpiryStep> Steps(PlatformType type, const std::vector<std::pair<Binding, const Grants*>>& bindings,
                              ViaCache& via) {
  std::vector<const Source*> expiring;
  for (const auto& b : bindings)
    if (b.first.second->expires) expiring.push_back(b.first.second);
  std::sort(expiring.begin(), expiring.end(),
            [](const Source* a, const Source* b) { return a->expires->at < b->expires->at; });
  std::vector<ExpiryStep> out;
  for (const Source* s : expiring) {
    if (!out.empty() && out.back().at == s->expires->at) {
      if (out.back().what.find(s->what) == std::string::npos) out.back().what += ", " + s->what;
      continue;
    }
    ExpiryStep& step = out.emplace_back();
    step.at = s->expires->at;
    step.text = s->expires->text;
    step.what = s->what;
    if (auto d = MergeAt(type, bindings, step.at, via)) {
      step.grants = std::move(d->grants);
      step.roles = std::move(d->roles);
      step.single_from = std::move(d->single_from);
      step.single_via = std::move(d->single_via);
    }
  }
  return out;
}

// The profile as the manifest writes it: ProfileOf without the derived names.
Profile WrittenProfileOf(const User& user) {
  Profile p;
  p.email_as_written = user.email_as_written;
  p.name = user.name;
  p.external_id = user.external_id.opt();
  p.given_name = user.given_name.opt();
  p.family_name = user.family_name.opt();
  return p;
}

}  // namespace

Profile ProfileOf(const User& user) {
  Profile p = WrittenProfileOf(user);
  DeriveNames(p);
  return p;
}

std::vector<RoleSource> EffectiveRolesOf(const User& user, const std::map<std::string, Group>& groups) {
  const GroupRoles group_roles(groups);
  std::vector<RoleSource> out;
  for (const auto& [role, source] : EffectiveRoles(user, group_roles)) {
    RoleSource& r = out.emplace_back();
    r.role = role;
    if (!source.group.empty()) r.path = group_roles.Path(source.group, role);
    if (source.expires) r.expires = *source.expires;
    if (source.expires) r.what = source.what;
  }
  return out;
}

std::map<std::string, DesiredUsers> ResolveDesired(const Manifest& manifest) {
  std::map<std::string, DesiredUsers> out;
  for (const auto& [name, platform] : manifest.platforms) out[name];
  // Per platform, the DesiredUsers map; looked up once per binding, not per user.
  std::map<std::string, std::pair<PlatformType, DesiredUsers*>> targets;
  for (auto& [name, users] : out) targets[name] = {manifest.platforms.at(name).type, &users};
  const GroupRoles groups(manifest.groups);
  ViaCache via(groups);

  for (const User& user : manifest.users) {
    const auto effective = EffectiveRoles(user, groups);
    // platform -> its bindings, by role name: ties go to the first role by name
    std::map<std::string, std::vector<std::pair<Binding, const Grants*>>> per_platform;
    bool expires = false;
    for (const auto& [role_name, source] : effective) {
      auto role = manifest.roles.find(role_name);
      if (role == manifest.roles.end()) continue;
      for (const auto& [platform, grants] : role->second.bindings) {
        if (!targets.count(platform)) continue;
        per_platform[platform].push_back({{&role_name, &source}, &grants});
        expires = expires || source.expires;
      }
    }
    if (per_platform.empty()) continue;
    const Profile profile = WrittenProfileOf(user);  // names derived where read, below
    for (const auto& [platform, bindings] : per_platform) {
      auto& target = targets[platform];
      DesiredUser desired = *MergeAt(target.first, bindings, -1, via);
      desired.email = user.email;
      desired.profile = profile;
      if (UsesPersonNames(target.first)) DeriveNames(desired.profile);
      desired.suspended = user.suspended;
      if (expires) desired.expiries = Steps(target.first, bindings, via);
      target.second->emplace(user.email, std::move(desired));
    }
  }
  return out;
}

std::optional<int64_t> NextExpiry(const DesiredUsers& desired, int64_t now) {
  std::optional<int64_t> next;
  for (const auto& [email, user] : desired)
    for (const auto& step : user.expiries)
      if (step.at > now) {
        if (!next || step.at < *next) next = step.at;
        break;
      }
  return next;
}

std::map<std::string, std::optional<int64_t>> NextExpiry(
    const std::map<std::string, DesiredUsers>& desired, int64_t now) {
  std::map<std::string, std::optional<int64_t>> out;
  for (const auto& [platform, users] : desired) out[platform] = NextExpiry(users, now);
  return out;
}

}  // namespace idsync
