// A Store that forwards every call to another and counts the calls by method name, so
// a test can say which state calls (and so which statements) a reconcile makes.
// Thread-safe as the store it wraps (the counts have their own mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "state/store.h"

namespace idsync::testing {

class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}

  // Method name -> calls since the last Reset().
  std::map<std::string, int> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  void Reset() {
    std::lock_guard lock(mu_);
    calls_.clear();
  }

  StatusOr<std::unique_ptr<StoreLock>> Lock(const std::string& p, const LockOptions& o) override {
    Count("Lock");
    return inner_.Lock(p, o);
  }
  StatusOr<int64_t> Prune(int64_t cutoff) override {
    Count("Prune");
    return inner_.Prune(cutoff);
  }
  StatusOr<int64_t> BeginRun(const std::string& c, const std::string& d, const std::string& g,
                             int64_t now) override {
    Count("BeginRun");
    return inner_.BeginRun(c, d, g, now);
  }
  Status FinishRun(int64_t id, const std::string& r, int64_t now) override {
    Count("FinishRun");
    return inner_.FinishRun(id, r, now);
  }
  StatusOr<std::vector<RunRecord>> Runs(int limit) override {
    Count("Runs");
    return inner_.Runs(limit);
  }
  StatusOr<ManagedAccounts> Managed(const std::string& p) override {
    Count("Managed");
    return inner_.Managed(p);
  }
  Status PutManaged(const ManagedAccount& a) override {
    Count("PutManaged");
    return inner_.PutManaged(a);
  }
  Status ForgetManaged(const std::string& p, const std::string& e) override {
    Count("ForgetManaged");
    return inner_.ForgetManaged(p, e);
  }
  Status PutManagedAll(const std::vector<ManagedAccount>& a) override {
    Count("PutManagedAll");
    return inner_.PutManagedAll(a);
  }
  Status ForgetManagedAll(const std::string& p, const std::vector<std::string>& e) override {
    Count("ForgetManagedAll");
    return inner_.ForgetManagedAll(p, e);
  }
  StatusOr<int64_t> JournalBegin(int64_t run, const Action& a, int64_t now) override {
    Count("JournalBegin");
    return inner_.JournalBegin(run, a, now);
  }
  Status JournalFinish(int64_t id, JournalStatus s, const std::string& e, int attempts, int64_t now) override {
    Count("JournalFinish");
    return inner_.JournalFinish(id, s, e, attempts, now);
  }
  Status JournalRecord(int64_t run, const Action& a, JournalStatus s, int64_t now) override {
    Count("JournalRecord");
    return inner_.JournalRecord(run, a, s, now);
  }
  Status JournalRecordAll(int64_t run, const std::vector<ActionRecord>& r, int64_t now) override {
    Count("JournalRecordAll");
    return inner_.JournalRecordAll(run, r, now);
  }
  Status RecordAdopts(int64_t run, const std::vector<Adoption>& a, int64_t now) override {
    Count("RecordAdopts");
    return inner_.RecordAdopts(run, a, now);
  }
  StatusOr<std::vector<JournalEntry>> PendingEntries(const std::string& p) override {
    Count("PendingEntries");
    return inner_.PendingEntries(p);
  }
  StatusOr<std::vector<JournalEntry>> History(const HistoryQuery& q) override {
    Count("History");
    return inner_.History(q);
  }
  Status PutPlatformStatus(const PlatformStatus& s) override {
    Count("PutPlatformStatus");
    return inner_.PutPlatformStatus(s);
  }
  StatusOr<std::vector<PlatformStatus>> PlatformStatuses() override {
    Count("PlatformStatuses");
    return inner_.PlatformStatuses();
  }
  Status PutSnapshot(const std::string& p, const std::string& l, const std::string& d, int64_t now) override {
    Count("PutSnapshot");
    return inner_.PutSnapshot(p, l, d, now);
  }
  StatusOr<bool> TouchSnapshot(const std::string& p, const std::string& d, int64_t now) override {
    Count("TouchSnapshot");
    return inner_.TouchSnapshot(p, d, now);
  }
  StatusOr<std::optional<std::string>> Snapshot(const std::string& p) override {
    Count("Snapshot");
    return inner_.Snapshot(p);
  }
  StatusOr<std::optional<std::string>> CachedUserId(const std::string& p, const std::string& e) override {
    Count("CachedUserId");
    return inner_.CachedUserId(p, e);
  }
  Status PutUserId(const std::string& p, const std::string& e, const std::string& id) override {
    Count("PutUserId");
    return inner_.PutUserId(p, e, id);
  }

 private:
  void Count(const char* method) {
    std::lock_guard lock(mu_);
    ++calls_[method];
  }

  Store& inner_;
  mutable std::mutex mu_;
  std::map<std::string, int> calls_;
};

}  // namespace idsync::testing
