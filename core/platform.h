// Platform types and what each can do: the capability table of
// ../shared/platforms/README.md as data. Connectors return these from capabilities();
// config validates `offboarding:`/`unmanaged:` against them and the planner decides
// what follows from them. One table, so the three can never disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idsync {

enum class PlatformType { kHouston, kAstra, kOrgadmin, kWorkspace, kScim };

std::string_view PlatformTypeName(PlatformType type);  // "houston", ...
std::optional<PlatformType> ParsePlatformType(std::string_view name);
const std::vector<PlatformType>& AllPlatformTypes();

enum class Offboarding { kRetire, kRemove };
enum class UnmanagedPolicy { kIgnore, kReport, kRemove };
std::string_view OffboardingName(Offboarding o);
std::string_view UnmanagedPolicyName(UnmanagedPolicy u);

struct Capabilities {
  bool list_complete = true;          // false: orgadmin sees only what it looks up
  bool pending_visible = false;       // invitations are listed
  bool invite_expiry = false;         // an expired invitation is re-sent (reinvite)
  bool grant_change_on_pending = false;  // false: grant changes on invitations defer
  bool cancel_pending = false;        // offboarding can cancel an invitation
  bool retire = false;
  bool reactivate = false;            // false: a retired user desired again is invited
  bool remove = false;
  bool profile_update = false;
  bool grants_by_id = false;          // grants are platform ids (roles, groups): plans name them
  bool grants_write_only = false;     // role and status cannot be read: adopting sends them,
                                      // and they are re-asserted every reassert_interval
  bool operator==(const Capabilities&) const = default;
};

const Capabilities& CapabilitiesOf(PlatformType type);

// Whether the platform reads a person's given and family names (orgadmin's invite, scim's
// name.givenName/familyName and profile compare): only for these does ResolveDesired
// derive them from `name` (core/users.h DeriveNames).
bool UsesPersonNames(PlatformType type);

// Default `offboarding:`: retire where the platform can, else remove.
Offboarding DefaultOffboarding(PlatformType type);

// Why `offboarding: value` / `unmanaged: remove` cannot be used on `type`, or
// nullopt when it can. The message names the platform type and what it cannot do.
std::optional<std::string> OffboardingUnsupported(PlatformType type, Offboarding value);
std::optional<std::string> UnmanagedUnsupported(PlatformType type, UnmanagedPolicy value);

// Single-valued grants are resolved to the most privileged value. Returns the
// privilege rank of `value` for the platform's single-valued grant (0 = highest), or
// nullopt when the value is not one of the platform's single-valued grants.
//   workspace: ADMIN > WORKSPACE_ADMIN > ... > SANDBOX_USER
//   houston:   SYSTEM_ADMIN > SYSTEM_EDITOR > SYSTEM_VIEWER (system);
//              WORKSPACE_ADMIN > WORKSPACE_EDITOR > WORKSPACE_VIEWER (per workspace)
//   orgadmin:  admin > user
std::optional<int> SingleRank(PlatformType type, std::string_view value);
std::optional<int> ScopedRank(PlatformType type, std::string_view value);

// The values SingleRank/ScopedRank accept, highest first (for error messages).
const std::vector<std::string>& SingleValues(PlatformType type);
const std::vector<std::string>& ScopedValues(PlatformType type);

}  // namespace idsync
