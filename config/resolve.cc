#include "config/resolve.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "config/groups.h"
#include "core/text.h"

namespace idsync {
namespace {

// Folds one role's grants for a platform of `type` into `into` (see ResolveDesired).
// True when `role` became into.single_from (a different value than before).
bool Merge(PlatformType type, const std::string& role, const Grants& grants, DesiredUser& into,
           int& single_offers) {
  into.grants.set.insert(grants.set.begin(), grants.set.end());
  for (const auto& [scope, value] : grants.scoped) {
    auto [it, inserted] = into.grants.scoped.emplace(scope, value);
    if (inserted) continue;
    auto have = ScopedRank(type, it->second), offered = ScopedRank(type, value);
    if (offered && (!have || *offered < *have)) it->second = value;
  }
  if (!grants.single) return false;
  ++single_offers;
  auto have = into.grants.single ? SingleRank(type, *into.grants.single) : std::nullopt;
  auto offered = SingleRank(type, *grants.single);
  if (!into.grants.single || (offered && (!have || *offered < *have))) {
    into.grants.single = grants.single;
    if (into.single_from == role) return false;
    into.single_from = role;
    return true;
  }
  return false;
}

// How a user reaches one effective role: directly or through one of their groups, and
// until when (the latest of its sources; null: for good). Points into the manifest.
struct Source {
  const std::string* group = nullptr;  // the user's group; nullptr when the user lists the role
  const Expiry* expires = nullptr;
  const char* kind = "role";           // the membership, named in What()
  const std::string* name = nullptr;
  bool by_user = false;                // the user's own expiry is the limit

  bool ViaGroup() const { return group && !group->empty(); }
  // What expires: "user", "role X", "group G".
  std::string What() const { return by_user ? "user" : std::string(kind) + " " + *name; }
};

// The earlier of the user's own expiry and a membership's; null when neither.
Source Limit(const User& user, const std::string* group, const Membership& m, const char* kind) {
  Source s{group, m.expires ? &*m.expires : nullptr, kind, &m.name.str(), false};
  if (user.expires && (!s.expires || user.expires->at <= s.expires->at)) {
    s.expires = &*user.expires;
    s.by_user = true;
  }
  return s;
}

// Whether `s` lasts longer than `have` (for good beats any expiry).
bool Longer(const Source& s, const Source& have) {
  return have.expires && (!s.expires || s.expires->at > have.expires->at);
}

// Effective roles, sorted by name: per role, the first of its sources (user's roles,
// then groups in list order) among those that last longest.
using Effective = std::vector<std::pair<const std::string*, Source>>;

void EffectiveRoles(const User& user, const GroupRoles& groups, Effective& out) {
  out.clear();
  for (const auto& m : user.roles) out.emplace_back(&m.name.str(), Limit(user, nullptr, m, "role"));
  for (const auto& m : user.groups) {
    const auto* roles = groups.Of(m.name);
    if (!roles) continue;
    const Source s = Limit(user, &m.name.str(), m, "group");
    for (const auto& entry : *roles) out.emplace_back(&entry.first, s);
  }
  auto by_name = [](const auto& a, const auto& b) { return *a.first < *b.first; };
  if (out.size() <= 32) {  // a stable insertion sort: no buffer to allocate
    for (std::size_t i = 1; i < out.size(); ++i)
      for (std::size_t j = i; j > 0 && by_name(out[j], out[j - 1]); --j) std::swap(out[j], out[j - 1]);
  } else {
    std::stable_sort(out.begin(), out.end(), by_name);
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size();) {
    std::size_t best = i, next = i + 1;
    for (; next < out.size() && *out[next].first == *out[i].first; ++next)
      if (Longer(out[next].second, out[best].second)) best = next;
    out[kept++] = out[best];
    i = next;
  }
  out.resize(kept);
}

using Binding = std::pair<const std::string*, const Source*>;  // role name, source
using Bindings = std::vector<std::pair<Binding, const Grants*>>;

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
std::optional<DesiredUser> MergeAt(PlatformType type, const Bindings& bindings, int64_t after, ViaCache& via) {
  DesiredUser d;
  int offers = 0;
  const Source* winner = nullptr;
  for (const auto& [binding, grants] : bindings) {
    const Source& s = *binding.second;
    if (after >= 0 && s.expires && s.expires->at <= after) continue;
    d.roles.push_back(*binding.first);
    if (Merge(type, *binding.first, *grants, d, offers)) winner = &s;
  }
  if (d.roles.empty()) return std::nullopt;
  if (offers < 2) d.single_from.clear();
  if (!d.single_from.empty() && winner && winner->ViaGroup()) d.single_via = via.Of(*winner->group, d.single_from);
  return d;
}

// The steps expiry makes to a user on one platform (see ExpiryStep).
std::vector<ExpiryStep> Steps(PlatformType type, const Bindings& bindings, ViaCache& via) {
  std::vector<const Source*> expiring;
  for (const auto& b : bindings)
    if (b.first.second->expires) expiring.push_back(b.first.second);
  std::sort(expiring.begin(), expiring.end(),
            [](const Source* a, const Source* b) { return a->expires->at < b->expires->at; });
  std::vector<ExpiryStep> out;
  for (const Source* s : expiring) {
    if (!out.empty() && out.back().at == s->expires->at) {
      const std::string what = s->What();
      if (out.back().what.find(what) == std::string::npos) out.back().what += ", " + what;
      continue;
    }
    ExpiryStep& step = out.emplace_back();
    step.at = s->expires->at;
    step.text = s->expires->text;
    step.what = s->What();
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

// Whether any `expires:` limits the user (theirs or a membership's).
bool Expires(const User& user) {
  auto any = [](const std::vector<Membership>& list) {
    return std::any_of(list.begin(), list.end(), [](const Membership& m) { return m.expires.has_value(); });
  };
  return user.expires || any(user.roles) || any(user.groups);
}

// What a user's effective roles make of them on each platform instance they bind (by
// index into Resolver's targets), before the user's own fields (email, profile,
// suspended).
using PerPlatform = std::vector<std::pair<std::size_t, DesiredUser>>;

// ResolveDesired's state across users.
class Resolver {
 public:
  Resolver(const Manifest& manifest, std::map<std::string, DesiredUsers>& out)
      : groups_(manifest.groups), via_(groups_) {
    std::map<std::string_view, std::size_t> index;
    for (auto& [name, users] : out) {
      index.emplace(name, targets_.size());
      targets_.push_back({manifest.platforms.at(name).type, &users});
    }
    for (const auto& [name, role] : manifest.roles) {
      auto& bound = role_targets_[name];
      for (const auto& [platform, grants] : role.bindings)  // by platform name: target order
        if (auto it = index.find(platform); it != index.end()) bound.emplace_back(it->second, &grants);
    }
  }

  // Adds `user` to every platform instance an effective role binds.
  void Add(const User& user) {
    PerPlatform own;
    const PerPlatform* per = Expires(user) ? nullptr : Cached(user);
    if (!per) {
      own = Resolve(user);
      per = &own;
    }
    if (per->empty()) return;
    Profile profile = WrittenProfileOf(user);  // names derived where read, below
    for (std::size_t i = 0; i < per->size(); ++i) {
      const std::size_t target = (*per)[i].first;
      DesiredUser* d = Insert(*targets_[target].users, user.email);
      if (!d) continue;  // a repeated email: the first stays
      if (i + 1 == per->size()) d->profile = std::move(profile);
      else d->profile = profile;
      if (UsesPersonNames(targets_[target].type)) DeriveNames(d->profile);
      d->suspended = user.suspended;
      if (per == &own) Take(std::move(own[i].second), *d);
      else Copy((*per)[i].second, *d);
    }
  }

 private:
  // At most this many distinct role and group lists are remembered (each costs a
  // DesiredUser per platform); users past them are resolved one by one.
  static constexpr std::size_t kMaxCached = 4096;

  struct Target {
    PlatformType type;
    DesiredUsers* users;
  };

  // Moves what `from` resolved into `into` (whose own fields are already set).
  static void Take(DesiredUser&& from, DesiredUser& into) {
    into.grants = std::move(from.grants);
    into.single_from = std::move(from.single_from);
    into.single_via = std::move(from.single_via);
    into.roles = std::move(from.roles);
    into.expiries = std::move(from.expiries);
  }

  static void Copy(const DesiredUser& from, DesiredUser& into) {
    into.grants = from.grants;
    into.single_from = from.single_from;
    into.single_via = from.single_via;
    into.roles = from.roles;
    into.expiries = from.expiries;
  }

  // A new entry for `email` in `users`, or nullptr when it is there already. Users
  // mostly come in email order: then the entry goes at the end without a search.
  static DesiredUser* Insert(DesiredUsers& users, const std::string& email) {
    if (users.empty() || users.rbegin()->first < email)
      return &users.try_emplace(users.end(), email)->second;
    auto [it, inserted] = users.try_emplace(email);
    return inserted ? &it->second : nullptr;
  }

  // Resolve(user) for a user no `expires:` limits: it depends only on the names of their
  // roles and groups, in order, so users with the same lists share one result. nullptr
  // when the lists are new and kMaxCached others are remembered already.
  const PerPlatform* Cached(const User& user) {
    key_.clear();
    auto append = [this](const std::vector<Membership>& list) {
      for (const auto& m : list) {  // length-prefixed: no name can fake a boundary
        const uint32_t size = static_cast<uint32_t>(m.name.size());
        key_.append(reinterpret_cast<const char*>(&size), sizeof size);
        key_ += m.name.str();
      }
      key_ += '\n';
    };
    append(user.roles);
    append(user.groups);
    auto it = cache_.find(key_);
    if (it == cache_.end()) {
      if (cache_.size() >= kMaxCached) return nullptr;
      it = cache_.emplace(key_, Resolve(user)).first;
    }
    return &it->second;
  }

  PerPlatform Resolve(const User& user) {
    EffectiveRoles(user, groups_, effective_);
    // platform -> its bindings, by role name: ties go to the first role by name
    std::size_t used = 0;
    bool expires = false;
    for (const auto& entry : effective_) {
      auto role = role_targets_.find(*entry.first);
      if (role == role_targets_.end()) continue;
      for (const auto& [target, grants] : role->second) {
        std::size_t i = 0;
        while (i < used && bound_[i].first != target) ++i;
        if (i == used) {
          if (used == bound_.size()) bound_.emplace_back();
          bound_[used].first = target;
          bound_[used++].second.clear();
        }
        bound_[i].second.push_back({{entry.first, &entry.second}, grants});
        expires = expires || entry.second.expires;
      }
    }
    PerPlatform out;
    out.reserve(used);
    for (std::size_t i = 0; i < used; ++i) {
      const PlatformType type = targets_[bound_[i].first].type;
      DesiredUser d = *MergeAt(type, bound_[i].second, -1, via_);
      if (expires) d.expiries = Steps(type, bound_[i].second, via_);
      out.emplace_back(bound_[i].first, std::move(d));
    }
    return out;
  }

  std::vector<Target> targets_;  // per platform instance, in name order
  std::unordered_map<std::string_view, std::vector<std::pair<std::size_t, const Grants*>>> role_targets_;
  const GroupRoles groups_;
  ViaCache via_;
  Effective effective_;                                 // Resolve's, reused
  std::vector<std::pair<std::size_t, Bindings>> bound_;  // Resolve's, reused (first `used`)
  std::unordered_map<std::string, PerPlatform> cache_;  // see Cached
  std::string key_;                                     // Cached's, reused
};


}  // namespace

Profile ProfileOf(const User& user) {
  Profile p = WrittenProfileOf(user);
  DeriveNames(p);
  return p;
}

std::vector<RoleSource> EffectiveRolesOf(const User& user, const std::map<std::string, Group>& groups) {
  const GroupRoles group_roles(groups);
  Effective effective;
  EffectiveRoles(user, group_roles, effective);
  std::vector<RoleSource> out;
  for (const auto& [role, source] : effective) {
    RoleSource& r = out.emplace_back();
    r.role = *role;
    if (source.ViaGroup()) r.path = group_roles.Path(*source.group, *role);
    if (source.expires) r.expires = *source.expires;
    if (source.expires) r.what = source.What();
  }
  return out;
}

std::map<std::string, DesiredUsers> ResolveDesired(const Manifest& manifest) {
  std::map<std::string, DesiredUsers> out;
  for (const auto& [name, platform] : manifest.platforms) out[name];
  Resolver resolver(manifest, out);
  for (const User& user : manifest.users) resolver.Add(user);
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
