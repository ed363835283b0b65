// One leader per platform instance among `idsync run` replicas (SPEC §5 "Replicas";
// STYLE "Shared state and leadership"): the leader of a platform is the replica whose
// store session holds that platform's lock (Store::Lock: on PostgreSQL a session-level
// advisory lock, freed by the server when the session ends). No consensus of our own.
//
// A monitor thread, every `period`:
//   - for each platform this replica leads, asks the store whether the lock is still
//     held (StoreLock::held); when not (session terminated or lost), drops it and the
//     platform is standby until the lock is taken again;
//   - for each platform it does not lead, tries the lock once (no wait); on success it
//     leads and `on_acquired(platform)` runs (the daemon makes the platform due), so a
//     standby takes over within one period of the old leader's session ending.
// Fencing does not depend on this monitor: the journal row written before every
// request fails once the session lost the lock (Store::JournalBegin), so a leader that
// does not know yet that it lost sends nothing more.
//
// Thread-safety: every method may be called from any thread; `on_acquired` runs on the
// monitor thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/apply/locks.h"  // IsPostgresState, ReplicaIdentity
#include "state/store.h"

namespace idsync {

// The holder named in a refused lock's message ("... locked by HOLDER (pid ..." or
// "... locked by HOLDER; ..."), or "" when it names none.
std::string HolderFromLockMessage(const std::string& message);

class Leadership {
 public:
  struct View {
    bool leader = false;
    std::string holder;  // the leader's identity when known ("" while unknown)
  };

  Leadership(Store& store, std::string identity, std::function<void(const std::string&)> on_acquired,
             std::chrono::milliseconds period = std::chrono::milliseconds(1000));
  ~Leadership();  // Stop(), then every lock is released
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // Competes for `platform` from now on; tries its lock at once (on the caller's
  // thread), so the first reconcile at start already knows. Adding twice is a no-op.
  void Add(const std::string& platform);
  // True while this replica holds the platform's lock (as last seen).
  bool Leads(const std::string& platform) const;
  // A reconcile of `platform` found the lock gone (a fenced journal write): checks it
  // now and drops it when not held.
  void Recheck(const std::string& platform);
  std::map<std::string, View> Views() const;
  const std::string& identity() const { return identity_; }

  void Start();  // the monitor thread
  void Stop();   // ends the monitor thread; locks stay held until destruction

 private:
  struct Slot {
    std::unique_ptr<StoreLock> lock;
    View view;
    std::string last_error;  // the last failure other than "held elsewhere", logged once
  };
  void Try(const std::string& platform);  // one attempt or one check
  void Loop();

  Store& store_;
  const std::string identity_;
  const std::function<void(const std::string&)> on_acquired_;
  const std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Slot> slots_;  // guarded by mu_
  std::mutex try_mu_;                  // one Try at a time (the store has one session)
  bool stopping_ = false;              // guarded by mu_
  std::thread monitor_;
};

}  // namespace idsync
