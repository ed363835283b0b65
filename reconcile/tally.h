// Counting a plan's actions the way every rendering summarises them. Internal to
// reconcile/.
#pragma once

#include <cstddef>
#include <string>

#include "reconcile/plan.h"

namespace idsync {

struct Tally {
  // Actions that will apply, by kind.
  std::size_t invite = 0;  // invite, reinvite
  std::size_t adopt = 0;
  std::size_t change = 0;  // grant, revoke, update, reactivate
  std::size_t retire = 0;
  std::size_t remove = 0;
  std::size_t deferred = 0;
  std::size_t held = 0;
  std::size_t changes = 0;  // PlatformPlan::changes()
  std::size_t actions = 0;  // every action, whatever its disposition

  Tally& operator+=(const Tally& other);
};

Tally Count(const PlatformPlan& plan);
Tally Count(const Plan& plan);

// "Plan: 3 to invite, 1 to change, 2 to retire, 0 to remove; 1 deferred; 2 held",
// with ", N to adopt" after the invites when there are adopts.
std::string SummaryLine(const Tally& tally);

// "3 desired, 4 live, 3 managed".
std::string SizesLine(const PlatformPlan& plan);

// What to do about a blocked platform: "raise max_removals or apply with
// --allow-removals N" where N is the held count.
std::string BlockedHint(const PlatformPlan& plan);

}  // namespace idsync
