// The one interface every platform connector implements (STYLE: terraform-plugin-
// framework's resource). A connector speaks its platform's API exactly as
// ../shared/platforms/<type>.md says; the planner, not the connector, decides what an
// action means on a platform that cannot do it (see core/platform.h Capabilities).
//
// Contract for every mutating call: "already there" / "already gone" answers return
// OK, so every call is safe to repeat after a crash. Failures are typed Status values
// whose message names the platform, the user and carries the API's own message:
//   "ws: invite alice@acme.io: inviteUser returned ok: false (user already exists)"
// Credentials never appear in a Status, a log line or an exception.
//
// MakeConnector (factory.h) wraps every connector in GuardedConnector, which refuses a
// call the platform cannot make and scrubs the platform's secrets from every Status.
//
// Thread-safety: one instance per platform instance; calls may come from several
// threads at once (the engine runs independent actions concurrently).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "core/platform.h"
#include "core/status.h"
#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync {

// Platform user ids remembered across reconciles (SQLite), for platforms that must
// look users up one by one (orgadmin: email is globally unique, so an id found once is
// cached for good). Thread-safe.
class UserIdCache {
 public:
  virtual ~UserIdCache() = default;
  virtual std::optional<std::string> Get(const std::string& email) = 0;
  virtual void Put(const std::string& email, const std::string& user_id) = 0;
};

// What a listing may need to know beyond the platform itself (orgadmin looks users up
// one by one; others ignore it). Pointers may be null.
struct ListContext {
  const DesiredUsers* desired = nullptr;
  const ManagedAccounts* managed = nullptr;
  UserIdCache* ids = nullptr;
  // export: every group the platform lists counts as managed, so memberships of
  // groups the manifest does not bind yet are reported too (scim).
  bool every_group = false;
};

class Connector {
 public:
  virtual ~Connector() = default;

  virtual PlatformType type() const = 0;
  const Capabilities& capabilities() const { return CapabilitiesOf(type()); }

  // Every live user (and pending invitation), every page followed.
  virtual StatusOr<LiveState> List(const ListContext& context) = 0;

  // Plan-time resolution of names only the platform knows (astra role names -> ids,
  // houston workspace ids, scim group names -> ids), using what List returned.
  // Returns the grants as the platform will report them live, or an error listing the
  // valid names. The default returns `desired` unchanged.
  virtual StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) {
    (void)live;
    return desired;
  }

  virtual Status Invite(const Action& action) = 0;      // kInvite, kReinvite
  virtual Status ChangeGrants(const Action& action) = 0;  // kGrant, kRevoke

  // A connector overrides only what its platform can do. Calls through MakeConnector
  // never reach these defaults: GuardedConnector refuses them first (one message).
  virtual Status Retire(const Action& action) { return Unimplemented("retire", action); }
  virtual Status Reactivate(const Action& action) { return Unimplemented("reactivate", action); }
  virtual Status Remove(const Action& action) { return Unimplemented("remove", action); }
  virtual Status Update(const Action& action) { return Unimplemented("update", action); }

 private:
  Status Unimplemented(const char* operation, const Action& action) const {
    return Internal(std::string(PlatformTypeName(type())) + ": " + operation + " " + action.email +
                    ": not implemented by this connector (REQUIRES its capability)");
  }
};

}  // namespace idsync
