#include "daemon/run/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace idsync {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

struct Metrics::Families {
  prometheus::Family<prometheus::Counter>& reconciles;
  prometheus::Family<prometheus::Histogram>& duration;
  prometheus::Family<prometheus::Counter>& actions;
  prometheus::Family<prometheus::Gauge>& managed;
  prometheus::Family<prometheus::Counter>& drift;
  prometheus::Family<prometheus::Gauge>& unmanaged;
  prometheus::Family<prometheus::Gauge>& held;
  prometheus::Family<prometheus::Gauge>& manifest_valid;
  prometheus::Family<prometheus::Gauge>& last_success;
  prometheus::Family<prometheus::Counter>& api_requests;
  prometheus::Family<prometheus::Gauge>& next_expiry;
};

struct Metrics::LeaderFamily {
  prometheus::Family<prometheus::Gauge>& gauge;
};

namespace {

const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  f_.reset(new Families{
      BuildCounter().Name("idsync_reconcile_total").Help("Reconciles by platform and result (ok, changes, failed, blocked).").Register(r),
      BuildHistogram().Name("idsync_reconcile_duration_seconds").Help("Wall time of one platform reconcile, listing included.").Register(r),
      BuildCounter().Name("idsync_actions_total").Help("Actions executed or recorded, by platform, action and result.").Register(r),
      BuildGauge().Name("idsync_managed_users").Help("Accounts idsync manages on the platform.").Register(r),
      BuildCounter().Name("idsync_drift_total").Help("Managed accounts found changed by someone else and put back.").Register(r),
      BuildGauge().Name("idsync_unmanaged_users").Help("Live accounts idsync does not manage, at the last reconcile.").Register(r),
      BuildGauge().Name("idsync_removals_held").Help("Removals and retirements held by the mass-removal guard at the last reconcile.").Register(r),
      BuildGauge().Name("idsync_manifest_valid").Help("1 when the manifest on disk validates, 0 while the last valid one is used.").Register(r),
      BuildGauge().Name("idsync_last_success_timestamp_seconds").Help("Unix time of the platform's last successful reconcile.").Register(r),
      BuildCounter().Name("idsync_api_requests_total").Help("Requests to the platform API by HTTP status (0: no answer).").Register(r),
      BuildGauge().Name("idsync_next_expiry_timestamp_seconds").Help("Unix time of the platform's next expires: instant; 0 when none is ahead.").Register(r),
  });
  f_->manifest_valid.Add({}).Set(0);
  leader_.reset(new LeaderFamily{
      BuildGauge().Name("idsync_leader").Help("1 while this replica leads the platform (holds its state lock), else 0.").Register(r)});
}

Metrics::~Metrics() = default;

void Metrics::RecordReconcile(const std::string& platform, const PlatformOutcome& outcome,
                              std::chrono::duration<double> duration, int64_t managed_users,
                              int64_t now_unix) {
  std::string result = outcome.result();
  f_->reconciles.Add({{"platform", platform}, {"result", result}}).Increment();
  f_->duration.Add({{"platform", platform}}, kDurationBuckets).Observe(duration.count());
  std::map<std::pair<std::string, std::string>, double> actions;
  for (const auto& a : outcome.plan.actions) {
    if (a.disposition == Disposition::kDeferred) ++actions[{VerbName(a.verb), "deferred"}];
    if (a.disposition == Disposition::kHeld) ++actions[{VerbName(a.verb), "held"}];
  }
  for (const auto& f : outcome.failures) ++actions[{VerbName(f.action.verb), "failed"}];
  for (const auto& [verb, n] : outcome.succeeded_by_verb)
    actions[{verb, "succeeded"}] += static_cast<double>(n);
  for (const auto& [key, n] : actions)
    f_->actions.Add({{"platform", platform}, {"action", key.first}, {"result", key.second}}).Increment(n);
  auto& drift = f_->drift.Add({{"platform", platform}});
  if (outcome.drift > 0) drift.Increment(static_cast<double>(outcome.drift));
  f_->unmanaged.Add({{"platform", platform}}).Set(static_cast<double>(outcome.plan.unmanaged.size()));
  f_->held.Add({{"platform", platform}}).Set(static_cast<double>(outcome.held));
  if (outcome.plan.error.ok()) f_->managed.Add({{"platform", platform}}).Set(static_cast<double>(managed_users));
  auto& last = f_->last_success.Add({{"platform", platform}});
  if (!outcome.failed()) last.Set(static_cast<double>(now_unix));
}

void Metrics::AddApiRequests(const std::string& platform, const std::map<int, uint64_t>& counts,
                             std::map<int, uint64_t>& previous) {
  for (const auto& [code, total] : counts) {
    uint64_t& seen = previous[code];
    if (total > seen) {
      f_->api_requests.Add({{"platform", platform}, {"code", std::to_string(code)}})
          .Increment(static_cast<double>(total - seen));
      seen = total;
    }
  }
}

void Metrics::DropPlatform(const std::string& platform) {
  const std::map<std::string, std::string> labels = {{"platform", platform}};
  for (auto* family : {&f_->managed, &f_->unmanaged, &f_->held, &f_->last_success}) {
    if (family->Has(labels)) family->Remove(&family->Add(labels));
  }
}

void Metrics::SetNextExpiry(const std::string& platform, std::optional<int64_t> at) {
  f_->next_expiry.Add({{"platform", platform}}).Set(at ? static_cast<double>(*at) : 0);
}

void Metrics::SetLeader(const std::string& platform, bool leader) {
  leader_->gauge.Add({{"platform", platform}}).Set(leader ? 1 : 0);
}

void Metrics::SetManifestValid(bool valid) { f_->manifest_valid.Add({}).Set(valid ? 1 : 0); }

std::string Metrics::Serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace idsync
