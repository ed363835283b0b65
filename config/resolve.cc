#include "config/resolve.h"

#include <set>

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

}  // namespace

Profile ProfileOf(const User& user) {
  Profile p;
  p.email_as_written = user.email_as_written;
  p.name = user.name;
  p.external_id = user.external_id;
  p.given_name = user.given_name;
  p.family_name = user.family_name;
  if (user.name) {
    std::string name = Trim(*user.name);
    size_t space = name.find_last_of(' ');
    if (space != std::string::npos) {
      std::string given = Trim(name.substr(0, space)), family = Trim(name.substr(space + 1));
      if (!p.given_name && !given.empty()) p.given_name = given;
      if (!p.family_name && !family.empty()) p.family_name = family;
    }
  }
  return p;
}

std::map<std::string, DesiredUsers> ResolveDesired(const Manifest& manifest) {
  std::map<std::string, DesiredUsers> out;
  for (const auto& [name, platform] : manifest.platforms) out[name];
  // Per platform, the DesiredUsers map; looked up once per binding, not per user.
  std::map<std::string, std::pair<PlatformType, DesiredUsers*>> targets;
  for (auto& [name, users] : out) targets[name] = {manifest.platforms.at(name).type, &users};

  for (const User& user : manifest.users) {
    std::set<std::string> effective(user.roles.begin(), user.roles.end());
    for (const auto& group_name : user.groups) {
      auto group = manifest.groups.find(group_name);
      if (group != manifest.groups.end())
        effective.insert(group->second.roles.begin(), group->second.roles.end());
    }
    std::map<std::string, std::pair<DesiredUser, int>> per_platform;  // user, single offers
    for (const auto& role_name : effective) {  // sorted: ties go to the first role by name
      auto role = manifest.roles.find(role_name);
      if (role == manifest.roles.end()) continue;
      for (const auto& [platform, grants] : role->second.bindings) {
        auto target = targets.find(platform);
        if (target == targets.end()) continue;
        auto& [desired, offers] = per_platform[platform];
        desired.roles.push_back(role_name);
        Merge(target->second.first, role_name, grants, desired, offers);
      }
    }
    if (per_platform.empty()) continue;
    Profile profile = ProfileOf(user);
    for (auto& [platform, entry] : per_platform) {
      auto& [desired, offers] = entry;
      desired.email = user.email;
      desired.profile = profile;
      desired.suspended = user.suspended;
      if (offers < 2) desired.single_from.clear();
      targets[platform].second->emplace(user.email, std::move(desired));
    }
  }
  return out;
}

}  // namespace idsync
