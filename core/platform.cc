#include "core/platform.h"

#include <algorithm>
#include <array>

namespace idsync {
namespace {

struct Traits {
  PlatformType type;
  std::string_view name;
  Capabilities caps;
  std::vector<std::string> single_values;  // highest first
  std::vector<std::string> scoped_values;  // highest first
  bool person_names = false;  // reads given and family names (UsesPersonNames)
};

const std::array<Traits, 5>& Table() {
  static const std::array<Traits, 5> kTable = {{
      {PlatformType::kHouston, "houston",
       Capabilities{.list_complete = true, .pending_visible = true, .invite_expiry = false,
                    .grant_change_on_pending = false, .cancel_pending = true, .retire = true,
                    .reactivate = true, .remove = true, .profile_update = false},
       {"SYSTEM_ADMIN", "SYSTEM_EDITOR", "SYSTEM_VIEWER"},
       {"WORKSPACE_ADMIN", "WORKSPACE_EDITOR", "WORKSPACE_VIEWER"}},
      {PlatformType::kAstra, "astra",
       Capabilities{.list_complete = true, .pending_visible = true, .invite_expiry = false,
                    .grant_change_on_pending = true, .cancel_pending = true, .retire = false,
                    .reactivate = false, .remove = true, .profile_update = false,
                    .grants_by_id = true},
       {}, {}},
      {PlatformType::kOrgadmin, "orgadmin",
       Capabilities{.list_complete = false, .pending_visible = false, .invite_expiry = false,
                    .grant_change_on_pending = false, .cancel_pending = false, .retire = true,
                    .reactivate = true, .remove = false, .profile_update = false,
                    .grants_write_only = true},
       {"admin", "user"}, {}, /*person_names=*/true},
      {PlatformType::kWorkspace, "workspace",
       Capabilities{.list_complete = true, .pending_visible = true, .invite_expiry = true,
                    .grant_change_on_pending = false, .cancel_pending = false, .retire = true,
                    .reactivate = false, .remove = false, .profile_update = false},
       {"ADMIN", "WORKSPACE_ADMIN", "SECURITY_ADMIN", "WORKSPACE_SETTINGS_ADMIN",
        "BILLING_ADMIN", "DEVELOPER", "ANALYST", "BUSINESS", "SANDBOX_USER"},
       {}},
      {PlatformType::kScim, "scim",
       Capabilities{.list_complete = true, .pending_visible = false, .invite_expiry = false,
                    .grant_change_on_pending = false, .cancel_pending = false, .retire = true,
                    .reactivate = true, .remove = true, .profile_update = true,
                    .grants_by_id = true},
       {}, {}, /*person_names=*/true},
  }};
  return kTable;
}

const Traits& TraitsOf(PlatformType type) {
  for (const auto& t : Table())
    if (t.type == type) return t;
  return Table()[0];  // unreachable: every enumerator is in the table
}

std::optional<int> RankIn(const std::vector<std::string>& values, std::string_view value) {
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) return std::nullopt;
  return static_cast<int>(it - values.begin());
}

}  // namespace

std::string_view PlatformTypeName(PlatformType type) { return TraitsOf(type).name; }

std::optional<PlatformType> ParsePlatformType(std::string_view name) {
  for (const auto& t : Table())
    if (t.name == name) return t.type;
  return std::nullopt;
}

const std::vector<PlatformType>& AllPlatformTypes() {
  static const std::vector<PlatformType> kAll = {PlatformType::kHouston, PlatformType::kAstra,
                                                 PlatformType::kOrgadmin, PlatformType::kWorkspace,
                                                 PlatformType::kScim};
  return kAll;
}

std::string_view OffboardingName(Offboarding o) {
  return o == Offboarding::kRetire ? "retire" : "remove";
}

std::string_view UnmanagedPolicyName(UnmanagedPolicy u) {
  switch (u) {
    case UnmanagedPolicy::kIgnore: return "ignore";
    case UnmanagedPolicy::kReport: return "report";
    case UnmanagedPolicy::kRemove: return "remove";
  }
  return "ignore";
}

const Capabilities& CapabilitiesOf(PlatformType type) { return TraitsOf(type).caps; }

bool UsesPersonNames(PlatformType type) { return TraitsOf(type).person_names; }

Offboarding DefaultOffboarding(PlatformType type) {
  return CapabilitiesOf(type).retire ? Offboarding::kRetire : Offboarding::kRemove;
}

std::optional<std::string> OffboardingUnsupported(PlatformType type, Offboarding value) {
  const auto& caps = CapabilitiesOf(type);
  std::string name(PlatformTypeName(type));
  if (value == Offboarding::kRetire && !caps.retire)
    return "offboarding: retire is not possible on a " + name +
           " platform: it cannot retire (disable) users; use offboarding: remove";
  if (value == Offboarding::kRemove && !caps.remove)
    return "offboarding: remove is not possible on a " + name +
           " platform: it has no call to remove users; use offboarding: retire";
  return std::nullopt;
}

std::optional<std::string> UnmanagedUnsupported(PlatformType type, UnmanagedPolicy value) {
  if (value == UnmanagedPolicy::kRemove && !CapabilitiesOf(type).remove)
    return "unmanaged: remove is not possible on a " + std::string(PlatformTypeName(type)) +
           " platform: it has no call to remove users; use ignore or report";
  return std::nullopt;
}

std::optional<int> SingleRank(PlatformType type, std::string_view value) {
  return RankIn(TraitsOf(type).single_values, value);
}

std::optional<int> ScopedRank(PlatformType type, std::string_view value) {
  return RankIn(TraitsOf(type).scoped_values, value);
}

const std::vector<std::string>& SingleValues(PlatformType type) {
  return TraitsOf(type).single_values;
}

const std::vector<std::string>& ScopedValues(PlatformType type) {
  return TraitsOf(type).scoped_values;
}

}  // namespace idsync
