// Expiry in the planner (SPEC §2 `expires:`): pure, with `now` given as data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync {

// The desired users as of `now` (unix seconds): each user's DesiredUser::expiries with
// `at <= now` applied, in order; a user the last one takes off the platform is left
// out, as if deleted from the manifest. For every user changed or left out,
// `reasons[email]` = "expired 2027-01-31 (role db-admin)". nullopt when nothing has
// expired (the caller keeps `desired`; no copy is made) or now <= 0 (time unknown).
std::optional<DesiredUsers> DesiredAt(const DesiredUsers& desired, int64_t now,
                                      std::map<std::string, std::string>& reasons);

// Expiries after `now` and at most `within` seconds later, by instant then email.
std::vector<ExpiringEntry> ExpiringWithin(const DesiredUsers& desired, int64_t now,
                                          int64_t within);

}  // namespace idsync
