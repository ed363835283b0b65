#include "daemon/apply/reconciler.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "daemon/apply/execute.h"
#include "daemon/apply/snapshot.h"

namespace idsync {
namespace {

// A process that died between a journal row and its answer left it pending. The
// platform's live state (listed again this reconcile) says what really happened, and
// the plan was made from it, so those rows are closed as interrupted.
void CloseInterrupted(Store& store, const std::string& platform, int64_t now) {
  auto pending = store.PendingEntries(platform);
  if (!pending.ok()) {
    spdlog::warn("{}: cannot read pending journal entries: {}", platform, pending.status().message());
    return;
  }
  for (const auto& e : *pending) {
    spdlog::info("{}: journal entry {} ({} {}) was interrupted; re-planned from live state",
                 platform, e.id, e.action, e.email);
    Status closed = store.JournalFinish(e.id, JournalStatus::kFailed,
                                        "interrupted: the process ended before the platform answered; "
                                        "re-planned from live state",
                                        e.attempts, now);
    if (!closed.ok())
      spdlog::error("{}: journal row {} ({} {}) stays pending: closing it as interrupted failed: {}",
                    platform, e.id, e.action, e.email, closed.message());
  }
}

// The emails of the platform's previous listing (the snapshot saved by the last apply
// reconcile) when that listing was complete; nullopt when there is none, it was partial
// or it cannot be read. Read only when an account may be forgotten, so a converged
// reconcile never parses it.
std::optional<std::set<std::string>> PreviousCompleteListing(Store& store, const std::string& platform) {
  auto json = store.Snapshot(platform);
  if (!json.ok() || !json->has_value()) return std::nullopt;
  return CompleteListingEmails(**json);
}

// Brings the managed records in line with what the listing showed: an invitation
// that became an account gets its platform id, and an account that is neither desired
// nor listed any more (a retired workspace user is not listed) is forgotten, so the
// guard's percentages stay honest — but only once its absence is confirmed: absent from
// this complete listing and from the previous complete one, and its offboarding done
// (retired). One listing that misses an account (paging that shifts, a flaky answer)
// never makes a leaver unmanaged; an account whose offboarding is still due stays
// managed until it is listed again and offboarded (or removed, which forgets it).
// Writes only what changed, with one Store call for the ids and one for the forgotten
// (one transaction each). `managed` are the records as they are now; returns how many
// remain.
std::size_t SyncManagedWithLive(const PlatformConfig& config, const DesiredUsers& desired,
                                const LiveState& live, ManagedAccounts managed, Store& store,
                                int64_t now) {
  std::size_t remaining = 0;
  std::optional<std::optional<std::set<std::string>>> previous;  // read at most once
  std::vector<ManagedAccount> ids;
  std::vector<std::string> forget;
  for (auto& [email, m] : managed) {
    auto it = live.users.find(email);
    if (it == live.users.end()) {
      if (live.complete && !desired.count(email)) {
        if (!m.retired) {
          spdlog::warn("{}: {} is managed, no longer desired and not listed; kept until it "
                       "is listed again and offboarded", config.name, email);
        } else {
          if (!previous) previous.emplace(PreviousCompleteListing(store, config.name));
          if (*previous && !(*previous)->count(email)) {
            forget.push_back(email);
            continue;
          }
        }
      }
    } else if (!it->second.id.empty() && it->second.id != m.user_id) {
      m.user_id = it->second.id;
      m.last_seen = now;
      ids.push_back(ManagedAccount{std::move(m), config.name, email});
    }
    ++remaining;
  }
  if (forget.empty() && ids.empty()) return remaining;  // converged: no state call at all
  if (Status s = store.ForgetManagedAll(config.name, forget); !s.ok())
    spdlog::warn("{}: {} account(s) are neither desired nor listed, but forgetting them failed: {}",
                 config.name, forget.size(), s.message());
  if (Status s = store.PutManagedAll(ids); !s.ok())
    spdlog::warn("{}: recording the platform ids of {} account(s) failed: {}", config.name, ids.size(),
                 s.message());
  return remaining;
}

// The newest invite row of `email` on `platform` in the journal, if any.
std::optional<JournalEntry> LastInvite(Store& store, const std::string& platform,
                                       const std::string& email) {
  HistoryQuery q;
  q.email = email;
  q.platform = platform;
  q.limit = 0;
  auto rows = store.History(q);
  if (!rows.ok()) return std::nullopt;
  for (const auto& e : *rows)
    if (e.action == VerbName(Verb::kInvite) || e.action == VerbName(Verb::kReinvite)) return e;
  return std::nullopt;
}

// A houston invitation is several requests (inviteUser, then workspaceAddUser per
// further workspace). When the last invite of a pending person did not finish (its
// journal row is failed, or pending: the process died), some invitations may be
// missing; the grant change the planner deferred until sign-up becomes an invite again,
// so every invitation is sent now (houston answers "already invited" for those sent
// before, which counts as done). SPEC §3: the same end state as an uninterrupted run.
void ReinviteInterrupted(PlatformPlan& plan, const LiveState& live, Store& store) {
  if (plan.type != PlatformType::kHouston) return;
  for (Action& a : plan.actions) {
    if (a.disposition != Disposition::kDeferred || (a.verb != Verb::kGrant && a.verb != Verb::kRevoke))
      continue;
    auto it = live.users.find(a.email);
    if (it == live.users.end() || it->second.status != LiveStatus::kPending) continue;
    auto last = LastInvite(store, plan.platform, a.email);
    if (!last || (last->status != JournalStatus::kFailed && last->status != JournalStatus::kPending))
      continue;
    a.verb = Verb::kInvite;
    a.disposition = Disposition::kApply;
    a.reason = "invitation interrupted (journal entry " + std::to_string(last->id) +
               "); invited again, invitations already sent count as done";
  }
}

// Resolves one user's grants (and those of its expiry steps) through the connector into
// `into` (a user of the copy, or null while there is none). True when they differ from
// `user`'s; errors are collected.
bool ResolveUser(Connector& connector, const DesiredUser& user, const LiveState& live,
                 DesiredUser* into, std::set<std::string>& errors, StatusCode& code) {
  auto note = [&](const Status& s) {
    errors.insert(s.message());
    if (code == StatusCode::kOk) code = s.code();
  };
  bool differs = false;
  auto grants = connector.Resolve(user.grants, live);
  if (!grants.ok()) note(grants.status());
  else if (*grants != user.grants) {
    differs = true;
    if (into) into->grants = std::move(*grants);
  }
  for (std::size_t i = 0; i < user.expiries.size(); ++i) {  // what the user holds once an `expires:` passes
    if (!user.expiries[i].grants) continue;
    auto after = connector.Resolve(*user.expiries[i].grants, live);
    if (!after.ok()) note(after.status());
    else if (*after != *user.expiries[i].grants) {
      differs = true;
      if (into) into->expiries[i].grants = std::move(*after);
    }
  }
  return differs;
}

// The desired users with their grants resolved through the connector into what the
// platform lists (Connector::Resolve). Most connectors change nothing: `desired` is
// then used as it is and `changed` stays empty, so a converged reconcile of 100,000
// users copies none of them; else `changed` is the resolved copy. Every user's error is
// reported, in one Status (the first failure's code).
Status ResolveGrants(Connector& connector, const DesiredUsers& desired, const LiveState& live,
                     std::optional<DesiredUsers>& changed) {
  std::set<std::string> errors;
  StatusCode code = StatusCode::kOk;  // the first failure's
  for (const auto& [email, user] : desired) {
    DesiredUser* into = changed ? &changed->at(email) : nullptr;
    if (ResolveUser(connector, user, live, into, errors, code) && !into) {
      changed.emplace(desired);  // the first difference: copy once, resolve this user again
      ResolveUser(connector, user, live, &changed->at(email), errors, code);
    }
  }
  if (errors.empty()) return OkStatus();
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
  return Status(code, joined);
}

// The connectors' id cache over the state DB's user_ids table.
class StoreIdCache final : public UserIdCache {
 public:
  StoreIdCache(Store& store, std::string platform) : store_(store), platform_(std::move(platform)) {}
  std::optional<std::string> Get(const std::string& email) override {
    auto id = store_.CachedUserId(platform_, email);
    return id.ok() ? *id : std::nullopt;
  }
  void Put(const std::string& email, const std::string& user_id) override {
    Status s = store_.PutUserId(platform_, email, user_id);
    // A read-only store (plan, export) refuses every write: the cache only saves lookups.
    if (s.code() == StatusCode::kFailedPrecondition)
      spdlog::debug("{}: id of {} not cached: {}", platform_, email, s.message());
    else if (!s.ok())
      spdlog::warn("{}: caching the id of {}: {}", platform_, email, s.message());
  }

 private:
  Store& store_;
  std::string platform_;
};

}  // namespace

StatusOr<LiveState> ListPlatform(const PlatformConfig& config, const DesiredUsers& desired,
                                 const ManagedAccounts& managed, Connector& connector,
                                 Store& store, bool for_export) {
  StoreIdCache ids(store, config.name);
  return connector.List(ListContext{&desired, &managed, &ids, for_export});
}

std::string PlatformOutcome::result() const {
  if (failed()) return "failed";
  if (plan.blocked) return "blocked";
  if (succeeded > 0 || plan.changes() > 0) return "changes";
  return "ok";
}

namespace {

// Saves the snapshot of `live` taken at `now`. An unchanged listing (its digest is the
// stored one's) only moves the stored snapshot's time: a no-op reconcile writes no
// listing text, and never holds it whole (the digest is taken piece by piece). Else the
// text is made and `listed_now` (the listing when made by this reconcile) is freed
// before the store writes it. A failure is logged, never fatal.
void SaveSnapshot(const std::string& platform, const LiveState& live, std::optional<LiveState>& listed_now,
                  Store& store, int64_t now) {
  const std::string digest = SnapshotDigest(live);
  StatusOr<bool> touched = store.TouchSnapshot(platform, digest, now);
  if (touched.ok() && *touched) return;
  if (!touched.ok()) spdlog::warn("{}: snapshot time not saved: {}", platform, touched.status().message());
  const std::string listing = SnapshotListingJson(live);
  listed_now.reset();
  Status saved = store.PutSnapshot(platform, listing, digest, now);
  if (!saved.ok()) spdlog::warn("{}: snapshot not saved: {}", platform, saved.message());
}

// Records what one applied reconcile of `platform` did (status, history); a failure to
// save is logged, never fatal: the actions themselves are already journalled.
void SavePlatformStatus(const std::string& platform, const PlatformOutcome& out, std::size_t managed,
                        int64_t run_id, Store& store, int64_t now) {
  PlatformStatus st;
  st.platform = platform;
  st.run_id = run_id;
  st.at = now;
  st.result = out.result();
  st.actions_succeeded = static_cast<int64_t>(out.succeeded);
  st.actions_failed = static_cast<int64_t>(out.failures.size());
  st.actions_deferred = static_cast<int64_t>(out.deferred);
  st.actions_held = static_cast<int64_t>(out.held);
  st.managed = static_cast<int64_t>(managed);
  st.unmanaged = static_cast<int64_t>(out.plan.unmanaged.size());
  st.drift = static_cast<int64_t>(out.drift);
  if (!out.failures.empty()) st.error = out.failures.front().error.message();
  Status saved = store.PutPlatformStatus(st);
  if (!saved.ok()) spdlog::warn("{}: status not saved: {}", platform, saved.message());
}

}  // namespace

PlatformOutcome ReconcilePlatform(const PlatformConfig& config, const DesiredUsers& desired,
                                  Connector& connector, Store& store,
                                  const ReconcileOptions& options, Env& env) {
  PlatformOutcome out;
  out.plan.platform = config.name;
  out.plan.type = config.type;

  auto managed = store.Managed(config.name);
  if (!managed.ok()) {
    out.plan.error = managed.status().WithContext("state");
    return out;
  }
  // The listing given (never copied: it may hold 100,000 users), else one made now.
  std::optional<LiveState> listed_now;
  if (!options.listed) {
    auto listed = ListPlatform(config, desired, *managed, connector, store);
    if (!listed.ok()) {
      out.plan.error = listed.status();
      return out;
    }
    listed_now.emplace(std::move(*listed));
  }
  const LiveState* live = options.listed ? options.listed : &*listed_now;
  const std::set<std::string> from_baseline =
      options.baseline ? AddBaselineManaged(*options.baseline, config.name, *live, *managed, env.NowUnix())
                       : std::set<std::string>{};

  std::optional<DesiredUsers> changed;
  if (Status resolved = ResolveGrants(connector, desired, *live, changed); !resolved.ok()) {
    out.plan.error = resolved;
    return out;
  }
  const DesiredUsers& resolved = changed ? *changed : desired;

  PlanOptions plan_options = options.plan;
  plan_options.now = env.NowUnix();
  out.plan = MakePlan(PolicyFor(config), resolved, *live, *managed, plan_options);
  ReinviteInterrupted(out.plan, *live, store);
  NoteBaselineReasons(from_baseline, out.plan);
  if (CapabilitiesOf(config.type).grants_by_id) out.plan.names = NamesById(live->catalog);
  for (const auto& a : out.plan.actions) out.drift += a.drift ? 1 : 0;
  if (!out.plan.unmanaged.empty())
    spdlog::info("{}: {} unmanaged account(s) left alone", config.name, out.plan.unmanaged.size());
  if (!options.apply) return out;
  if (options.given_plan) out.plan = *options.given_plan;

  CloseInterrupted(store, config.name, env.NowUnix());
  ExecutePlan(out, connector, store, *managed, config.concurrency, options, env);
  // Read again only when actions changed the records (a no-op reconcile of a large
  // platform would otherwise read every managed row twice more).
  const bool executed = out.succeeded > 0 || !out.failures.empty();
  auto now_managed = executed ? store.Managed(config.name) : StatusOr<ManagedAccounts>(std::move(*managed));
  const std::size_t remaining =
      now_managed.ok() ? SyncManagedWithLive(config, resolved, *live, std::move(*now_managed), store, env.NowUnix())
                       : 0;
  SaveSnapshot(config.name, *live, listed_now, store, env.NowUnix());
  live = nullptr;

  SavePlatformStatus(config.name, out, remaining, options.run_id, store, env.NowUnix());
  return out;
}

}  // namespace idsync
