// A plan: per platform instance, the ordered actions that bring live to desired.
// Plain data (STYLE: Terraform's action runes); reconcile/planner.h makes it,
// reconcile/render.h prints it, daemon/ applies it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/grants.h"
#include "core/platform.h"
#include "core/status.h"
#include "core/users.h"

namespace idsync {

enum class Verb {
  kInvite,      // desired, absent live
  kReinvite,    // desired, invitation expired
  kAdopt,       // desired, present live, not yet managed: record it
  kGrant,       // grants differ (something added or changed)
  kRevoke,      // grants differ (only removals)
  kUpdate,      // profile fields differ
  kReactivate,  // desired active, live retired
  kRetire,      // suspended, or offboarded with offboarding: retire
  kRemove,      // offboarded with offboarding: remove, or unmanaged: remove
};
const char* VerbName(Verb v);  // "invite", "reinvite", ...
std::optional<Verb> ParseVerb(const std::string& name);

enum class Disposition {
  kApply,     // will be sent
  kDeferred,  // the platform cannot do it now (pending invitation); not a change
  kHeld,      // held by the mass-removal guard
};
const char* DispositionName(Disposition d);  // "apply", "deferred", "held"
std::optional<Disposition> ParseDisposition(const std::string& name);

struct Action {
  std::string platform;  // instance name
  std::string email;     // normalised
  Verb verb = Verb::kInvite;
  std::string user_id;   // live id where known
  Grants before;         // live grants (empty for invite)
  Grants after;          // desired grants (empty for remove)
  Profile profile;       // for invite and update
  std::string reason;    // "gone from manifest; offboarding: retire"
  Disposition disposition = Disposition::kApply;
  bool drift = false;    // live differed from last applied: someone changed it
  bool operator==(const Action&) const = default;
};

// One line, no colour: "+ invite alice@acme.io DEVELOPER (role engineer)".
std::string ToString(const Action& a);

// Something `expires:` will change within the plan's horizon (plan --expiring-within).
struct ExpiringEntry {
  std::string email;
  std::string what;   // "user", "role db-admin", "group contractors"
  std::string text;   // as written: "2027-01-31"
  int64_t at = 0;     // unix seconds: the first instant it no longer counts
  bool offboards = false;  // the user leaves the platform then
  bool operator==(const ExpiringEntry&) const = default;
};

struct PlatformPlan {
  std::string platform;
  PlatformType type = PlatformType::kWorkspace;
  std::vector<Action> actions;      // in execution order
  std::vector<std::string> unmanaged;  // emails of unmanaged live accounts (report)
  std::vector<ExpiringEntry> expiring;  // within PlanOptions::expiring_within, by instant
  bool blocked = false;             // the guard held removals
  std::string blocked_reason;       // "7 removals > max_removals 5"
  Status error;                     // not OK: this platform could not be planned (why)
  std::size_t desired = 0, live = 0, managed = 0;
  // Platform id -> readable name (astra role ids, scim group ids), so text and
  // markdown plans show names; the JSON plan keeps the ids.
  std::map<std::string, std::string> names;
  bool operator==(const PlatformPlan&) const = default;

  // Actions that will change the platform (kApply, and not an adopt that changes
  // nothing). Deferred and held actions are not changes.
  std::size_t changes() const;
  std::size_t held() const;
};

struct Plan {
  std::vector<PlatformPlan> platforms;
  bool operator==(const Plan&) const = default;
};

}  // namespace idsync
