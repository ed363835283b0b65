// The daemon's Prometheus metrics (SPEC §5), kept in a prometheus-cpp Registry and
// written in the text exposition format by prometheus::TextSerializer.
//
// Label `platform` is the platform instance name. *_total are counters,
// idsync_reconcile_duration_seconds is a histogram, the rest are gauges.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/apply/reconciler.h"

namespace prometheus {
class Registry;
}

namespace idsync {

class Metrics {
 public:
  Metrics();
  ~Metrics();

  // After each reconcile of `platform`: result, duration, actions by verb and result,
  // drift, unmanaged, held; managed users as recorded in the state DB afterwards.
  void RecordReconcile(const std::string& platform, const PlatformOutcome& outcome,
                       std::chrono::duration<double> duration, int64_t managed_users,
                       int64_t now_unix);
  // Adds requests seen since the last call; `counts` are the running totals of one
  // HTTP stack (code -> requests), `previous` what was already added from it.
  void AddApiRequests(const std::string& platform, const std::map<int, uint64_t>& counts,
                      std::map<int, uint64_t>& previous);
  void SetManifestValid(bool valid);
  // A platform gone from the manifest: its gauges (managed, unmanaged, held, last
  // success) disappear from the output; its counters stay (Prometheus counters only grow).
  void DropPlatform(const std::string& platform);
  // idsync_next_expiry_timestamp_seconds: the next `expires:` instant; 0 when none.
  void SetNextExpiry(const std::string& platform, std::optional<int64_t> at);
  // idsync_leader{platform}: 1 while this replica leads the platform, else 0.
  void SetLeader(const std::string& platform, bool leader);

  std::string Serialize() const;  // text exposition format

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> f_;
  struct LeaderFamily;  // idsync_leader
  std::unique_ptr<LeaderFamily> leader_;
};

}  // namespace idsync
