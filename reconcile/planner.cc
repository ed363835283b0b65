#include "reconcile/planner.h"

#include <algorithm>
#include <map>

#include "reconcile/removal_guard.h"

namespace idsync {
namespace {

// Execution phase of a verb: per user, invite before grant changes, removals last.
int Phase(Verb v) {
  switch (v) {
    case Verb::kInvite:
    case Verb::kReinvite: return 0;
    case Verb::kAdopt: return 1;
    case Verb::kReactivate: return 2;
    case Verb::kGrant:
    case Verb::kRevoke: return 3;
    case Verb::kUpdate: return 4;
    case Verb::kRetire: return 5;
    case Verb::kRemove: return 6;
  }
  return 0;
}

// True when `to` only drops parts of `from` (nothing added, nothing changed).
bool OnlyRemovals(const Grants& from, const Grants& to) {
  if (to.single && to.single != from.single) return false;
  for (const auto& [scope, role] : to.scoped) {
    auto it = from.scoped.find(scope);
    if (it == from.scoped.end() || it->second != role) return false;
  }
  return std::includes(from.set.begin(), from.set.end(), to.set.begin(), to.set.end());
}

// "role engineer", "roles admin, engineer; ADMIN from role admin", or
// "desired on ws" when the roles are not known.
std::string RolesReason(const std::string& platform, const DesiredUser& d) {
  std::string out;
  if (d.roles.empty()) {
    out = "desired on " + platform;
  } else {
    out = d.roles.size() == 1 ? "role " : "roles ";
    for (std::size_t i = 0; i < d.roles.size(); ++i) out += (i ? ", " : "") + d.roles[i];
  }
  if (!d.single_from.empty() && d.grants.single)
    out += "; " + *d.grants.single + " from role " + d.single_from;
  return out;
}

// One platform's planning pass; collects actions into `plan`.
class PlanBuilder {
 public:
  PlanBuilder(const PlatformPolicy& policy, const LiveState& live,
              const ManagedAccounts& managed, PlatformPlan& plan)
      : policy_(policy), caps_(CapabilitiesOf(policy.type)), live_(live), managed_(managed),
        plan_(plan) {
    if (!live.complete) {
      // The listing cannot see every member: what idsync manages is a member.
      for (const auto& [email, account] : managed) {
        if (live.users.count(email)) continue;
        LiveUser& u = assumed_[email];
        u.id = account.user_id;
        u.email = email;
        u.status = account.retired ? LiveStatus::kRetired : LiveStatus::kActive;
        u.grants = account.grants;
      }
    }
  }

  void Desired(const DesiredUser& d) {
    const LiveUser* live = FindLive(d.email);
    const ManagedAccount* managed = FindManaged(d.email);
    if (d.suspended) return Suspended(d, live);
    if (!live) return Absent(d, managed);
    if (live->status == LiveStatus::kExpired && caps_.invite_expiry) {
      Action& a = Add(d.email, Verb::kReinvite, live);
      a.after = d.grants;
      a.profile = d.profile;
      a.reason = "invitation expired; invited again";
      return;
    }
    if (live->status == LiveStatus::kRetired && !caps_.reactivate) {
      Action& a = Add(d.email, Verb::kInvite, live);
      a.before = {};
      a.after = d.grants;
      a.profile = d.profile;
      a.reason = "disabled; invited again";
      return;
    }
    const Grants live_grants = LiveGrants(*live, managed);
    if (!managed) {
      Action& a = Add(d.email, Verb::kAdopt, live);
      a.before = live_grants;
      a.after = policy_.type == PlatformType::kOrgadmin ? d.grants : live_grants;
      a.profile = d.profile;
      a.reason = "already on " + policy_.platform + "; not yet managed by idsync";
    }
    const bool drift = managed && !managed->retired && live_grants != managed->grants;
    if (live->status == LiveStatus::kRetired) {
      Action& a = Add(d.email, Verb::kReactivate, live);
      a.before = live_grants;
      a.after = d.grants;
      a.profile = d.profile;
      a.drift = managed && !managed->retired;
      a.reason = a.drift ? "retired outside idsync (drift): reactivating"
                         : "retired on " + policy_.platform + "; desired active";
      return;  // the reactivate carries the desired grants
    }
    if (live_grants != d.grants) {
      Action& a = Add(d.email, OnlyRemovals(live_grants, d.grants) ? Verb::kRevoke : Verb::kGrant,
                      live);
      a.before = live_grants;
      a.after = d.grants;
      a.drift = drift;
      a.reason = drift ? "changed outside idsync (drift): reverting"
                       : RolesReason(policy_.platform, d);
      if (PendingLike(*live) && !caps_.grant_change_on_pending) {
        a.disposition = Disposition::kDeferred;
        a.reason = "pending invitation; applied once accepted";
      }
    }
    if (caps_.profile_update && live->name && d.profile.name && *live->name != *d.profile.name &&
        !PendingLike(*live)) {
      Action& a = Add(d.email, Verb::kUpdate, live);
      a.profile = d.profile;
      a.reason = "name differs: " + *live->name + " \u2192 " + *d.profile.name;
    }
  }

  // A live account (or assumed member) that is not desired on this platform.
  void Undesired(const LiveUser& live) {
    const ManagedAccount* managed = FindManaged(live.email);
    if (managed) return Offboard(live, *managed);
    switch (policy_.unmanaged) {
      case UnmanagedPolicy::kIgnore: return;
      case UnmanagedPolicy::kReport: plan_.unmanaged.push_back(live.email); return;
      case UnmanagedPolicy::kRemove:
        if (!caps_.remove) {  // validation refuses this; report rather than act
          plan_.unmanaged.push_back(live.email);
          return;
        }
        Removal(live, Verb::kRemove, "unmanaged; unmanaged: remove");
        return;
    }
  }

  template <typename F>
  void ForEachLive(F&& f) const {
    for (const auto& [email, user] : live_.users) f(email, user);
    for (const auto& [email, user] : assumed_) f(email, user);
  }

 private:
  void Absent(const DesiredUser& d, const ManagedAccount* managed) {
    Action& a = Add(d.email, Verb::kInvite, nullptr);
    a.after = d.grants;
    a.profile = d.profile;
    if (managed && managed->retired) {
      a.reason = caps_.reactivate ? "retired and gone from " + policy_.platform + "; invited again"
                                  : "disabled; invited again";
    } else if (managed) {
      a.drift = true;
      a.reason = "gone from " + policy_.platform + " though idsync manages it (drift): invited again";
    } else {
      a.reason = RolesReason(policy_.platform, d);
    }
  }

  void Suspended(const DesiredUser& d, const LiveUser* live) {
    if (!live || live->status == LiveStatus::kRetired) return;
    if (live->status == LiveStatus::kExpired && caps_.invite_expiry) return;  // cannot be accepted
    const Verb verb = caps_.retire ? Verb::kRetire : Verb::kRemove;
    Removal(*live, verb, caps_.retire ? "suspended" : "suspended; platform cannot retire");
    (void)d;
  }

  void Offboard(const LiveUser& live, const ManagedAccount& managed) {
    (void)managed;
    Verb verb = policy_.offboarding == Offboarding::kRemove ? Verb::kRemove : Verb::kRetire;
    if (verb == Verb::kRetire && !caps_.retire) verb = Verb::kRemove;
    if (verb == Verb::kRemove && !caps_.remove) verb = Verb::kRetire;
    if (live.status == LiveStatus::kRetired && verb == Verb::kRetire) return;
    if (live.status == LiveStatus::kExpired && caps_.invite_expiry) return;
    Removal(live, verb,
            "no longer desired on " + policy_.platform + "; offboarding: " + VerbName(verb));
  }

  // A retire or remove of `live`; deferred when it is an invitation the platform
  // cannot cancel.
  void Removal(const LiveUser& live, Verb verb, std::string reason) {
    Action& a = Add(live.email, verb, &live);
    a.before = LiveGrants(live, FindManaged(live.email));
    a.reason = std::move(reason);
    if (PendingLike(live) && !caps_.cancel_pending) {
      a.disposition = Disposition::kDeferred;
      a.reason = std::string("pending invitation cannot be cancelled; ") +
                 (verb == Verb::kRetire ? "retired" : "removed") + " once accepted";
    }
  }

  Action& Add(const std::string& email, Verb verb, const LiveUser* live) {
    Action& a = plan_.actions.emplace_back();
    a.platform = policy_.platform;
    a.email = email;
    a.verb = verb;
    if (live) {
      a.user_id = live->id;
      a.before = live->grants;
    }
    return a;
  }

  bool PendingLike(const LiveUser& u) const {
    return u.status == LiveStatus::kPending ||
           (u.status == LiveStatus::kExpired && !caps_.invite_expiry);
  }

  // Live grants; where the listing cannot read the single-valued grant, the last
  // applied one.
  Grants LiveGrants(const LiveUser& u, const ManagedAccount* managed) const {
    Grants g = u.grants;
    if (!live_.complete && !g.single && managed) g.single = managed->grants.single;
    return g;
  }

  const LiveUser* FindLive(const std::string& email) const {
    if (auto it = live_.users.find(email); it != live_.users.end()) return &it->second;
    if (auto it = assumed_.find(email); it != assumed_.end()) return &it->second;
    return nullptr;
  }

  const ManagedAccount* FindManaged(const std::string& email) const {
    auto it = managed_.find(email);
    return it == managed_.end() ? nullptr : &it->second;
  }

  const PlatformPolicy& policy_;
  const Capabilities& caps_;
  const LiveState& live_;
  const ManagedAccounts& managed_;
  PlatformPlan& plan_;
  std::map<std::string, LiveUser> assumed_;  // managed members the listing cannot see
};

}  // namespace

PlatformPolicy PolicyFor(const PlatformConfig& config) {
  return PlatformPolicy{.platform = config.name,
                        .type = config.type,
                        .offboarding = config.offboarding,
                        .unmanaged = config.unmanaged,
                        .max_removals = config.max_removals};
}

PlatformPlan MakePlan(const PlatformPolicy& policy, const DesiredUsers& desired,
                      const LiveState& live, const ManagedAccounts& managed,
                      const PlanOptions& options) {
  PlatformPlan plan;
  plan.platform = policy.platform;
  plan.type = policy.type;
  plan.desired = desired.size();
  plan.live = live.users.size();
  plan.managed = managed.size();

  PlanBuilder builder(policy, live, managed, plan);
  for (const auto& [email, user] : desired) builder.Desired(user);
  builder.ForEachLive([&](const std::string& email, const LiveUser& user) {
    if (!desired.count(email)) builder.Undesired(user);
  });
  std::sort(plan.unmanaged.begin(), plan.unmanaged.end());
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const Action& a, const Action& b) {
                     const int pa = Phase(a.verb), pb = Phase(b.verb);
                     return pa != pb ? pa < pb : a.email < b.email;
                   });
  ApplyRemovalGuard(policy, desired.size(), managed.size(), options, plan);
  return plan;
}

}  // namespace idsync
