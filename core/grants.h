// Grants: what a person holds on one platform, in one shape for every platform type.
//
// Each platform type uses the parts it needs (see platform.h, GrantsShape):
//   workspace  single = account type                      ("DEVELOPER")
//   houston    single = system role (optional), scoped = workspace id -> role
//   astra      set    = role names (manifest) or role ids (resolved, live)
//   orgadmin   single = member role (user|admin), set = group uuids
//   scim       set    = group displayNames (manifest) or group ids (resolved, live)
// Plain data: copyable, comparable, printable. `scoped` and `set` take 8 bytes each until
// they hold something (core/box.h): most platform types use only one part, and every user
// has three Grants at the peak of a reconcile (desired, live, managed).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/box.h"

namespace idsync {

struct Grants {
  std::optional<std::string> single;
  BoxedContainer<std::map<std::string, std::string>> scoped;
  BoxedContainer<std::set<std::string>> set;

  bool empty() const { return !single && scoped.empty() && set.empty(); }
  bool operator==(const Grants&) const = default;
};

// "DEVELOPER", "system=SYSTEM_ADMIN ckws1=WORKSPACE_EDITOR", "[a, b]", "(none)".
std::string ToString(const Grants& grants);

}  // namespace idsync
