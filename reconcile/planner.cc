#include "reconcile/planner.h"

#include <algorithm>
#include <map>

#include "reconcile/expiry.h"
#include "reconcile/removal_guard.h"

namespace idsync {
namespace {

// An action's profile: the desired one with given/family names derived from `name`
// (ResolveDesired derives them only where the platform reads them; actions carry them
// everywhere, as the journal records them).
Profile ActionProfile(const Profile& desired) {
  Profile p = desired;
  DeriveNames(p);
  return p;
}

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
  if (!d.single_from.empty() && d.grants.single) {
    out += "; " + *d.grants.single + " from role " + d.single_from.get();
    if (!d.single_via.empty()) out += " via group " + d.single_via.get();
  }
  return out;
}

// Lookup of keys visited in increasing order: amortised O(1) per key, which keeps a
// no-op plan of 100,000 users cheap.
template <typename Map>
class Cursor {
 public:
  explicit Cursor(const Map& map) : it_(map.begin()), end_(map.end()) {}
  const typename Map::mapped_type* Seek(const std::string& key) {
    while (it_ != end_ && it_->first < key) ++it_;
    return it_ != end_ && it_->first == key ? &it_->second : nullptr;
  }

 private:
  typename Map::const_iterator it_, end_;
};

// "24h", "90m", "1s": an interval as a manifest would write it.
std::string IntervalText(int64_t seconds) {
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

// One platform's planning pass; collects actions into `plan`.
class PlanBuilder {
 public:
  PlanBuilder(const PlatformPolicy& policy, const LiveState& live,
              const ManagedAccounts& managed, const PlanOptions& options, PlatformPlan& plan)
      : policy_(policy),
        caps_(CapabilitiesOf(policy.type)),
        live_(live),
        now_(options.now),
        plan_(plan) {
    if (!live.complete) {
      // The listing cannot see every member: what idsync manages is a member.
      for (const auto& [email, account] : managed) {
        if (live.users.count(email)) continue;
        LiveUser& u = assumed_[email];
        u.id = account.user_id;
        u.status = account.retired ? LiveStatus::kRetired : LiveStatus::kActive;
        u.grants = account.grants;
      }
    }
  }

  // email -> "expired 2027-01-31 (role x)" for users expiry changed or took off.
  void SetExpired(const std::map<std::string, std::string>* expired) { expired_ = expired; }

  // A desired user; `live` and `managed` are its entries, or null.
  void Desired(const std::string& email, const DesiredUser& d, const LiveUser* live, const ManagedRecord* managed) {
    if (d.suspended) return Suspended(email, live, managed);
    if (!live) return Absent(email, d, managed);
    if (live->status == LiveStatus::kExpired && caps_.invite_expiry) {
      Action& a = Add(email, Verb::kReinvite, live);
      a.after = d.grants;
      a.profile = ActionProfile(d.profile);
      a.reason = "invitation expired; invited again";
      return;
    }
    if (live->status == LiveStatus::kRetired && !caps_.reactivate) {
      Action& a = Add(email, Verb::kInvite, live);
      a.before = {};
      a.after = d.grants;
      a.profile = ActionProfile(d.profile);
      a.reason = "disabled; invited again";
      return;
    }
    const Grants& live_grants = LiveGrants(*live, managed);
    if (!managed) {
      Action& a = Add(email, Verb::kAdopt, live);
      a.before = live_grants;
      a.after = caps_.grants_write_only ? d.grants : live_grants;
      a.profile = ActionProfile(d.profile);
      a.reason = "already on " + policy_.platform + "; not yet managed by idsync";
    }
    if (live->status == LiveStatus::kRetired) {
      Action& a = Add(email, Verb::kReactivate, live);
      a.before = live_grants;
      a.after = d.grants;
      a.profile = ActionProfile(d.profile);
      a.drift = managed && !managed->retired;
      a.reason = a.drift ? "retired outside idsync (drift): reactivating"
                         : "retired on " + policy_.platform + "; desired active";
      return;  // the reactivate carries the desired grants
    }
    const std::size_t before = plan_.actions.size();
    ConvergeGrants(email, d, *live, live_grants, managed);
    if (plan_.actions.size() == before) Reassert(email, d, *live, managed);
    UpdateProfile(email, d, *live);
  }

  // A live account (or assumed member) that is not desired on this platform.
  void Undesired(const std::string& email, const LiveUser& live, const ManagedRecord* managed) {
    if (managed) return Offboard(email, live, *managed);
    switch (policy_.unmanaged) {
      case UnmanagedPolicy::kIgnore: return;
      case UnmanagedPolicy::kReport: plan_.unmanaged.push_back(email); return;
      case UnmanagedPolicy::kRemove:
        if (!caps_.remove) {  // validation refuses this; report rather than act
          plan_.unmanaged.push_back(email);
          return;
        }
        Removal(email, live, nullptr, Verb::kRemove, "unmanaged; unmanaged: remove");
        return;
    }
  }

  // Managed members an incomplete listing did not return, by email.
  const std::map<std::string, LiveUser>& assumed() const { return assumed_; }
  const LiveUser* FindAssumed(const std::string& email) const {
    if (assumed_.empty()) return nullptr;
    auto it = assumed_.find(email);
    return it == assumed_.end() ? nullptr : &it->second;
  }

 private:
  void Absent(const std::string& email, const DesiredUser& d, const ManagedRecord* managed) {
    Action& a = Add(email, Verb::kInvite, nullptr);
    a.after = d.grants;
    a.profile = ActionProfile(d.profile);
    if (managed && managed->retired) {
      a.reason = caps_.reactivate ? "retired and gone from " + policy_.platform + "; invited again"
                                  : "disabled; invited again";
    } else if (managed) {
      a.drift = true;
      a.reason =
          "gone from " + policy_.platform + " though idsync manages it (drift): invited again";
    } else {
      a.reason = RolesReason(policy_.platform, d);
    }
  }

  void Suspended(const std::string& email, const LiveUser* live, const ManagedRecord* managed) {
    if (!live || live->status == LiveStatus::kRetired) return;
    if (live->status == LiveStatus::kExpired && caps_.invite_expiry) return;  // cannot be accepted
    const Verb verb = caps_.retire ? Verb::kRetire : Verb::kRemove;
    Removal(email, *live, managed, verb, caps_.retire ? "suspended" : "suspended; platform cannot retire");
  }

  void Offboard(const std::string& email, const LiveUser& live, const ManagedRecord& managed) {
    Verb verb = policy_.offboarding == Offboarding::kRemove ? Verb::kRemove : Verb::kRetire;
    if (verb == Verb::kRetire && !caps_.retire) verb = Verb::kRemove;
    if (verb == Verb::kRemove && !caps_.remove) verb = Verb::kRetire;
    if (live.status == LiveStatus::kRetired && verb == Verb::kRetire) return;
    if (live.status == LiveStatus::kExpired && caps_.invite_expiry) return;
    const std::string* expired = Expired(email);
    Removal(email, live, &managed, verb,
            (expired ? *expired : "no longer desired on " + policy_.platform) +
                "; offboarding: " + VerbName(verb));
  }

  // A grant or revoke when the live grants differ from the desired ones; drift when
  // they also differ from what idsync last applied.
  void ConvergeGrants(const std::string& email, const DesiredUser& d, const LiveUser& live,
                      const Grants& live_grants, const ManagedRecord* managed) {
    if (live_grants == d.grants) return;
    const Verb verb = OnlyRemovals(live_grants, d.grants) ? Verb::kRevoke : Verb::kGrant;
    Action& a = Add(email, verb, &live);
    a.before = live_grants;
    a.after = d.grants;
    a.drift = managed && !managed->retired && live_grants != managed->grants;
    const std::string* expired = Expired(email);
    a.reason = a.drift     ? "changed outside idsync (drift): reverting"
               : expired ? *expired + "; now " + RolesReason(policy_.platform, d)
                         : RolesReason(policy_.platform, d);
    if (PendingLike(live) && !caps_.grant_change_on_pending) {
      a.disposition = Disposition::kDeferred;
      a.reason = "pending invitation; applied once accepted";
    }
  }

  // orgadmin cannot read role or status, so a managed active member whose role and
  // status were last asserted `reassert_interval` ago or longer gets them sent again:
  // a grant with before = after = desired grants.
  void Reassert(const std::string& email, const DesiredUser& d, const LiveUser& live,
                const ManagedRecord* managed) {
    const int64_t interval = policy_.reassert_interval_seconds;
    if (!caps_.grants_write_only || interval <= 0 || now_ <= 0 || !managed ||
        managed->retired || live.status != LiveStatus::kActive ||
        managed->last_asserted + interval > now_)
      return;
    Action& a = Add(email, Verb::kGrant, &live);
    a.before = d.grants;
    a.after = d.grants;
    a.reason = "re-asserting role and status (every " + IntervalText(interval) + ")";
  }

  // An update where the platform can change profiles and a profile field it reports
  // differs from the manifest's (fields the manifest leaves out are never compared).
  void UpdateProfile(const std::string& email, const DesiredUser& d, const LiveUser& live) {
    if (!caps_.profile_update || PendingLike(live)) return;
    std::string reason;
    auto compare = [&](const char* field, const std::optional<std::string>& listed,
                       const std::optional<std::string>& wanted) {
      if (!listed || !wanted || *listed == *wanted) return;
      reason += std::string(reason.empty() ? "" : "; ") + field + " differs: " + *listed +
                " \u2192 " + *wanted;
    };
    compare("name", live.name, d.profile.name);
    compare("given name", live.given_name, d.profile.given_name);
    compare("family name", live.family_name, d.profile.family_name);
    compare("external id", live.external_id, d.profile.external_id);
    if (reason.empty()) return;
    Action& a = Add(email, Verb::kUpdate, &live);
    a.after = a.before;  // grants are not part of an update
    a.profile = ActionProfile(d.profile);
    a.reason = std::move(reason);
  }

  // A retire or remove of `live`; deferred when it is an invitation the platform
  // cannot cancel.
  void Removal(const std::string& email, const LiveUser& live, const ManagedRecord* managed, Verb verb,
               std::string reason) {
    Action& a = Add(email, verb, &live);
    a.before = LiveGrants(live, managed);
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

  const std::string* Expired(const std::string& email) const {
    if (!expired_) return nullptr;
    auto it = expired_->find(email);
    return it == expired_->end() ? nullptr : &it->second;
  }

  bool PendingLike(const LiveUser& u) const {
    return u.status == LiveStatus::kPending ||
           (u.status == LiveStatus::kExpired && !caps_.invite_expiry);
  }

  // Live grants; where the listing cannot read the single-valued grant, the last
  // applied one. The reference is valid until the next call.
  const Grants& LiveGrants(const LiveUser& u, const ManagedRecord* managed) {
    if (live_.complete || u.grants.single || !managed || !managed->grants.single)
      return u.grants;
    filled_ = u.grants;
    filled_.single = managed->grants.single;
    return filled_;
  }

  const PlatformPolicy& policy_;
  const Capabilities& caps_;
  const LiveState& live_;
  const int64_t now_;  // PlanOptions::now
  PlatformPlan& plan_;
  std::map<std::string, LiveUser> assumed_;  // managed members the listing cannot see
  Grants filled_;  // LiveGrants' answer when it fills in the single-valued grant
  const std::map<std::string, std::string>* expired_ = nullptr;
};

}  // namespace

PlatformPolicy PolicyFor(const PlatformConfig& config) {
  return PlatformPolicy{.platform = config.name,
                        .type = config.type,
                        .offboarding = config.offboarding,
                        .unmanaged = config.unmanaged,
                        .max_removals = config.max_removals,
                        .reassert_interval_seconds =
                            CapabilitiesOf(config.type).grants_write_only
                                ? static_cast<int64_t>(config.reassert_interval.count() / 1000)
                                : 0};
}

PlatformPlan MakePlan(const PlatformPolicy& policy, const DesiredUsers& all_desired,
                      const LiveState& live, const ManagedAccounts& managed,
                      const PlanOptions& options) {
  std::map<std::string, std::string> expired;
  const auto unexpired = DesiredAt(all_desired, options.now, expired);
  const DesiredUsers& desired = unexpired ? *unexpired : all_desired;
  PlatformPlan plan;
  plan.expiring = ExpiringWithin(desired, options.now, options.expiring_within);
  plan.platform = policy.platform;
  plan.type = policy.type;
  plan.desired = desired.size();
  plan.live = live.users.size();
  plan.managed = managed.size();

  PlanBuilder builder(policy, live, managed, options, plan);
  builder.SetExpired(&expired);
  {
    Cursor live_at(live.users);
    Cursor managed_at(managed);
    for (const auto& [email, user] : desired) {
      const LiveUser* found = live_at.Seek(email);
      builder.Desired(email, user, found ? found : builder.FindAssumed(email), managed_at.Seek(email));
    }
  }
  for (const auto* users : {&live.users, &builder.assumed()}) {
    Cursor desired_at(desired);
    Cursor managed_at(managed);
    for (const auto& [email, user] : *users)
      if (!desired_at.Seek(email)) builder.Undesired(email, user, managed_at.Seek(email));
  }
  std::sort(plan.unmanaged.begin(), plan.unmanaged.end());
  auto by_phase_then_email = [](const Action& a, const Action& b) {
    const int pa = Phase(a.verb), pb = Phase(b.verb);
    return pa != pb ? pa < pb : a.email < b.email;
  };
  // Actions come out of the walks above by email, so a plan of one phase (a first
  // apply's adopts, 100,000 of them) is already in order: a merge sort would still
  // move every Action log(n) times.
  if (!std::is_sorted(plan.actions.begin(), plan.actions.end(), by_phase_then_email))
    std::stable_sort(plan.actions.begin(), plan.actions.end(), by_phase_then_email);
  // The zero-users rule guards against an emptied manifest: users whose entries merely
  // expired still count as written there.
  ApplyRemovalGuard(policy, all_desired.size(), managed.size(), options, plan);
  return plan;
}

}  // namespace idsync
