// The three views of a person that meet in a reconcile (SPEC §3): desired (from the
// manifest), live (from the platform), managed (last applied, from SQLite).
// Plain data, keyed by normalised email (see text.h NormalizeEmail).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/box.h"
#include "core/grants.h"

namespace idsync {

// Profile fields a platform may need (orgadmin first/last, scim names, externalId).
// The rarely set ones are boxed (core/box.h): 8 bytes each while unset.
struct Profile {
  std::string email_as_written;             // trimmed, case kept (astra sends it so)
  std::optional<std::string> name;
  BoxedOptional<std::string> given_name;    // given_name, else derived from name
  BoxedOptional<std::string> family_name;   // family_name, else derived from name
  BoxedOptional<std::string> external_id;
  bool operator==(const Profile&) const = default;
};

// Sets given_name and family_name, where unset, from `name` split at its last space
// (trimmed; a one-word name gives neither). ResolveDesired does it only for the platform
// types that read the names (UsesPersonNames), the planner for every action's profile.
void DeriveNames(Profile& p);

// A change `expires:` makes to a desired user on one platform (SPEC §2): from `at` on,
// the user holds `grants`, or is no longer desired there (nullopt).
struct ExpiryStep {
  int64_t at = 0;                // unix seconds: the first instant the entry no longer counts
  std::string text;              // as written: "2027-01-31"
  std::string what;              // what expires: "user", "role db-admin", "group contractors"
  std::optional<Grants> grants;  // from `at` on; nullopt: off the platform
  std::vector<std::string> roles;        // as DesiredUser::roles, from `at` on
  BoxedString single_from, single_via;   // as DesiredUser's, from `at` on
  bool operator==(const ExpiryStep&) const = default;
};

// One user as the manifest wants them on one platform. The email is the key of
// DesiredUsers, never a field: 100,000 users kept each email twice.
struct DesiredUser {
  Profile profile;
  bool suspended = false;
  Grants grants;
  // For single-valued grants resolved from several roles: the role that won
  // ("platform-admin"), so the plan can say which role won. Empty when one role.
  // Boxed (core/box.h), as `expiries`: 8 bytes while empty, as for most users.
  BoxedString single_from;
  // The groups through which single_from was reached ("eng > data-team"); empty when
  // the user lists the role itself.
  BoxedString single_via;
  std::vector<std::string> roles;  // effective roles binding this platform, sorted
  // Changes expiry will make, by `at` (empty when nothing here expires). `grants`,
  // `roles` and `single_*` above hold until the first one.
  BoxedContainer<std::vector<ExpiryStep>> expiries;
  bool operator==(const DesiredUser&) const = default;
};

// The last of d.expiries that has passed at `now` (unix seconds), or null.
inline const ExpiryStep* LastPassedExpiry(const DesiredUser& d, int64_t now) {
  const ExpiryStep* last = nullptr;
  for (const auto& step : d.expiries) {
    if (step.at > now) break;
    last = &step;
  }
  return last;
}

// Desired state of one platform instance: email -> user.
using DesiredUsers = std::map<std::string, DesiredUser>;

enum class LiveStatus {
  kActive,   // a signed-up account
  kPending,  // an invitation that can still be accepted
  kExpired,  // an invitation that can no longer be accepted
  kRetired,  // disabled / deactivated / stripped of all grants
};
const char* LiveStatusName(LiveStatus s);

// One account (or invitation) as the platform reports it. Its normalised email is the
// key of LiveState::users, never a field (as DesiredUser's).
struct LiveUser {
  std::string id;     // platform user id; empty for an invitation without one
  LiveStatus status = LiveStatus::kActive;
  std::string raw_status;  // the platform's own word, for logs ("SENT")
  Grants grants;
  std::optional<std::string> name;
  // Profile fields as listed, where the platform reports them (scim); unset when not.
  // Boxed (core/box.h): 8 bytes each on the platforms that never set them.
  BoxedOptional<std::string> given_name, family_name, external_id;
  BoxedContainer<std::vector<std::string>> invitation_ids;  // houston: pending invites' ids
  bool operator==(const LiveUser&) const = default;
};

// Everything one listing returned for one platform instance.
struct LiveState {
  std::map<std::string, LiveUser> users;  // email -> user
  // Names the platform knows, for plan-time resolution and error messages
  // (astra role name -> id, houston workspace ids, scim group name -> id, ...).
  std::map<std::string, std::string> catalog;
  bool complete = true;  // false where the platform cannot list everyone (orgadmin)
};

// id -> name from a catalog of name -> id (astra roles, scim groups), for showing ids
// to people. An id no name maps to, or a name two ids share (ignoring case), is left out.
std::map<std::string, std::string> NamesById(const std::map<std::string, std::string>& catalog);

// What idsync last applied to an account it manages on one platform (SPEC §6). The
// account's platform and email are where it is kept (ManagedAccounts' platform and
// key), not in it: a no-op reconcile of 100,000 users holds 100,000 of these, and the
// two strings were 64 bytes of each node and a heap copy of each email.
struct ManagedRecord {
  std::string user_id;
  Grants grants;      // last applied
  bool retired = false;  // idsync retired it (or suspended it)
  int64_t first_managed = 0;  // unix seconds
  int64_t last_seen = 0;      // unix seconds
  int64_t last_asserted = 0;  // unix seconds (orgadmin reassert_interval)
  bool operator==(const ManagedRecord&) const = default;
};

// A record with its account's identity: what the store writes, one at a time.
struct ManagedAccount : ManagedRecord {
  std::string platform;
  std::string email;  // normalised
  bool operator==(const ManagedAccount&) const = default;
};

// email -> record, for one platform.
using ManagedAccounts = std::map<std::string, ManagedRecord>;

}  // namespace idsync
