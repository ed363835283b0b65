#include "daemon/apply/execute.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "connectors/http/send_counter.h"

namespace idsync {
namespace {

Status Dispatch(Connector& connector, const Action& a) {
  switch (a.verb) {
    case Verb::kInvite:
    case Verb::kReinvite: return connector.Invite(a);
    case Verb::kAdopt: return OkStatus();  // nothing to send (Executor::RecordAdopts records them)
    case Verb::kGrant:
    case Verb::kRevoke: return connector.ChangeGrants(a);
    case Verb::kUpdate: return connector.Update(a);
    case Verb::kReactivate: return connector.Reactivate(a);
    case Verb::kRetire: return connector.Retire(a);
    case Verb::kRemove: return connector.Remove(a);
  }
  return Internal("unknown action");
}

// What idsync has applied once `a` succeeded, starting from the account as recorded.
ManagedAccount AfterSuccess(const Action& a, const ManagedRecord* before, int64_t now) {
  ManagedAccount m;
  if (before) static_cast<ManagedRecord&>(m) = *before;
  m.platform = a.platform;
  m.email = a.email;
  if (!a.user_id.empty()) m.user_id = a.user_id;
  if (m.first_managed == 0) m.first_managed = now;
  m.last_seen = now;
  switch (a.verb) {
    case Verb::kAdopt: m.grants = a.before; break;
    case Verb::kInvite:
    case Verb::kReinvite:
    case Verb::kGrant:
    case Verb::kRevoke:
    case Verb::kReactivate:
      m.grants = a.after;
      m.retired = false;
      m.last_asserted = now;
      break;
    case Verb::kUpdate: m.last_asserted = now; break;
    case Verb::kRetire: m.retired = true; break;
    case Verb::kRemove: break;  // forgotten by the caller
  }
  return m;
}

// The actions of one user, in plan order.
using UserActions = std::vector<const Action*>;

class Executor {
 public:
  Executor(PlatformOutcome& out, Connector& connector, Store& store, const ManagedAccounts& managed,
           const ReconcileOptions& options, Env& env)
      : out_(out), connector_(connector), store_(store), options_(options), env_(env),
        managed_(managed) {}

  void set_total(std::size_t total) { total_ = total; }

  // Records every adopt of the plan (they send nothing) with one Store call, before
  // any other action runs: one transaction and one sync instead of three commits per
  // user. An adopt is always its user's first action, so plan order holds per user.
  // When the store refuses, every adopt fails and its user's later actions are skipped.
  // `later`: the users with actions after their adopt, whose adopted record those build
  // on (the others' records are not kept here: 100,000 of them for nothing).
  void RecordAdopts(const std::vector<const Action*>& adopts, const std::set<std::string>& later) {
    if (adopts.empty()) return;
    if (options_.cancel && options_.cancel->load()) {
      std::lock_guard lock(mu_);
      out_.cancelled += adopts.size();
      return;
    }
    const int64_t now = env_.NowUnix();
    std::vector<Adoption> records;
    records.reserve(adopts.size());
    {
      std::lock_guard lock(mu_);
      for (const Action* a : adopts) records.push_back({a, AfterSuccess(*a, Current(a->email), now)});
    }
    Status recorded = store_.RecordAdopts(options_.run_id, records, now);
    if (!recorded.ok()) {
      spdlog::error("{}: recording {} adopt(s) failed: {}", adopts.front()->platform, adopts.size(),
                    recorded.message());
      for (const Action* a : adopts) Fail(*a, recorded.WithContext("journal"));
      return;
    }
    std::lock_guard lock(mu_);
    for (Adoption& r : records) {
      spdlog::debug("{}: adopt {}: done", r.action->platform, r.action->email);
      if (later.count(r.action->email)) changed_[r.action->email] = static_cast<ManagedRecord&&>(r.account);
      Progress(*r.action);
    }
    spdlog::info("{}: {} account(s) adopted", adopts.front()->platform, adopts.size());
    out_.succeeded += adopts.size();
    out_.succeeded_by_verb[VerbName(Verb::kAdopt)] += adopts.size();
  }

  // Runs every group, up to `concurrency` groups at a time; returns when all are done.
  void RunAll(const std::vector<UserActions>& groups, int concurrency) {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < groups.size(); i = next++) RunUser(groups[i]);
    };
    const std::size_t threads =
        std::min(groups.size(), static_cast<std::size_t>(std::max(1, concurrency)));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }

 private:
  void RunUser(const UserActions& actions) {
    for (const Action* a : actions) RunOne(*a);
  }

  void RunOne(const Action& a) {
    {
      std::lock_guard lock(mu_);
      if (options_.cancel && options_.cancel->load()) {
        ++out_.cancelled;
        return;
      }
      if (failed_users_.count(a.email)) {
        out_.failures.push_back({a, FailedPrecondition("skipped: an earlier action for this user failed")});
        Progress(a);
        return;
      }
    }
    auto entry = store_.JournalBegin(options_.run_id, a, env_.NowUnix());
    if (!entry.ok()) {
      // Never send a request that is not journalled first.
      Fail(a, entry.status().WithContext("journal"));
      return;
    }
    Status result;
    int attempts = 0;
    {
      ScopedSendCounter sends;  // the connector's requests run on this thread
      result = Dispatch(connector_, a);
      attempts = sends.sends();
    }
    if (!result.ok()) {
      Finish(a, *entry, JournalStatus::kFailed, result.message(), attempts, env_.NowUnix());
      spdlog::error("{}: {} {} failed: {}", a.platform, VerbName(a.verb), a.email, result.message());
      if (result.code() == StatusCode::kAborted) ForgetStale(a);
      Fail(a, result);
      return;
    }
    const int64_t now = env_.NowUnix();
    ManagedAccount m;
    {
      std::lock_guard lock(mu_);
      m = AfterSuccess(a, Current(a.email), now);
      if (a.verb == Verb::kRemove) changed_[a.email].reset();
      else changed_[a.email] = static_cast<const ManagedRecord&>(m);
    }
    Status saved = a.verb == Verb::kRemove ? store_.ForgetManaged(a.platform, a.email)
                                           : store_.PutManaged(m);
    Finish(a, *entry, JournalStatus::kSucceeded, "", attempts, now);
    if (!saved.ok()) spdlog::error("{}: recording {}: {}", a.platform, a.email, saved.message());
    spdlog::info("{}: {} {}: done", a.platform, VerbName(a.verb), a.email);
    std::lock_guard lock(mu_);
    ++out_.succeeded;
    ++out_.succeeded_by_verb[VerbName(a.verb)];
    Progress(a);
  }

  // The platform said what idsync recorded about `a`'s account no longer holds
  // (StatusCode::kAborted): forget it, so the next reconcile plans from live state.
  void ForgetStale(const Action& a) {
    Status forgotten = store_.ForgetManaged(a.platform, a.email);
    if (!forgotten.ok()) {
      spdlog::error("{}: forgetting {} after the platform said it is gone: {}", a.platform, a.email,
                    forgotten.message());
    }
  }

  // Completes journal row `entry` of `a`; a failure leaves the row pending, which the
  // next reconcile closes as interrupted after listing the platform again.
  void Finish(const Action& a, int64_t entry, JournalStatus status, const std::string& error,
              int attempts, int64_t now) {
    Status s = store_.JournalFinish(entry, status, error, attempts, now);
    if (!s.ok())
      spdlog::error("{}: {} {}: journal row {} stays pending (marking it {} failed: {}); the next "
                    "reconcile settles it",
                    a.platform, VerbName(a.verb), a.email, entry, JournalStatusName(status), s.message());
  }

  void Fail(const Action& a, Status error) {
    std::lock_guard lock(mu_);
    out_.failures.push_back({a, std::move(error)});
    failed_users_.insert(a.email);
    Progress(a);
  }

  // The account as recorded now: changed by this execution, else as it was before; null
  // when there is none (or it was removed). REQUIRES: mu_ held.
  const ManagedRecord* Current(const std::string& email) const {
    if (auto c = changed_.find(email); c != changed_.end()) return c->second ? &*c->second : nullptr;
    auto m = managed_.find(email);
    return m == managed_.end() ? nullptr : &m->second;
  }

  // REQUIRES: mu_ held.
  void Progress(const Action& a) {
    ++done_;
    if (options_.progress) options_.progress(a.platform, done_, total_);
  }

  PlatformOutcome& out_;
  Connector& connector_;
  Store& store_;
  const ReconcileOptions& options_;
  Env& env_;
  std::mutex mu_;
  // The records as they were before (never copied: 100,000 of them on a large platform)
  // and those this execution changed since (nullopt: removed), which take precedence.
  const ManagedAccounts& managed_;
  std::map<std::string, std::optional<ManagedRecord>> changed_;  // guarded by mu_
  std::set<std::string> failed_users_;  // guarded by mu_
  std::size_t done_ = 0, total_ = 0;    // guarded by mu_
};

// Offboarding: the actions that take access away (retire, remove; a suspension is a
// retire or a remove). They run after every other action of the plan.
bool IsOffboarding(const Action& a) { return a.verb == Verb::kRetire || a.verb == Verb::kRemove; }

// The apply actions grouped by user in order of first appearance, offboarding apart
// (still grouped by user, in plan order, so one user's actions never run at once);
// adopts apart, in plan order (Executor::RecordAdopts).
void GroupByUser(const std::vector<Action>& actions, std::vector<const Action*>& adopts,
                 std::vector<UserActions>& before_offboarding, std::vector<UserActions>& offboarding) {
  std::map<std::string, std::size_t> index, offboard_index;
  for (const Action& a : actions) {
    if (a.disposition != Disposition::kApply) continue;
    if (a.verb == Verb::kAdopt) {
      adopts.push_back(&a);
      continue;
    }
    auto& groups = IsOffboarding(a) ? offboarding : before_offboarding;
    auto& at = IsOffboarding(a) ? offboard_index : index;
    auto [it, inserted] = at.try_emplace(a.email, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(&a);
  }
}

}  // namespace

void ExecutePlan(PlatformOutcome& out, Connector& connector, Store& store,
                 const ManagedAccounts& managed, int concurrency, const ReconcileOptions& options,
                 Env& env) {
  // The deferred and held actions, recorded with one Store call (one transaction).
  std::vector<ActionRecord> records;
  for (const Action& a : out.plan.actions) {
    if (a.disposition == Disposition::kApply) continue;
    const bool held = a.disposition == Disposition::kHeld;
    records.push_back({&a, held ? JournalStatus::kHeld : JournalStatus::kDeferred});
    ++(held ? out.held : out.deferred);
  }
  if (Status recorded = store.JournalRecordAll(options.run_id, records, env.NowUnix()); !recorded.ok())
    spdlog::warn("{}: {} deferred or held action(s) have no journal row: {}", out.plan.platform, records.size(),
                 recorded.message());
  std::vector<const Action*> adopts;
  std::vector<UserActions> before_offboarding, offboarding;
  GroupByUser(out.plan.actions, adopts, before_offboarding, offboarding);
  std::size_t total = adopts.size();
  for (const auto& g : before_offboarding) total += g.size();
  for (const auto& g : offboarding) total += g.size();

  Executor executor(out, connector, store, managed, options, env);
  executor.set_total(total);
  std::set<std::string> later;  // users with actions after an adopt
  for (const auto& g : before_offboarding) later.insert(g.front()->email);
  for (const auto& g : offboarding) later.insert(g.front()->email);
  executor.RecordAdopts(adopts, later);
  executor.RunAll(before_offboarding, concurrency);
  executor.RunAll(offboarding, concurrency);
}

}  // namespace idsync
