// How one action reads in every rendering (text, markdown, ToString): its rune, its
// grants column and its parenthesised annotation. Internal to reconcile/.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "reconcile/plan.h"

namespace idsync {

// '+' invite/reinvite, '~' grant/revoke/update/reactivate, '-' retire/remove, '=' adopt.
char Rune(Verb v);

// The grants an action goes from and to: "DEVELOPER → ADMIN" when both sides are set
// and differ, the only non-empty side otherwise ("(none)" when both are empty), and ""
// for a profile update (its reason says what changes). Ids found in `names` are shown
// by their name.
std::string GrantsCell(const Action& a, const std::map<std::string, std::string>& names = {});

// "(reason)", "(deferred: reason)" or "(reason) (held by the removal guard)", then
// " [drift]" when the live account was changed outside idsync.
std::string Annotation(const Action& a);

// "alice@acme.io: role db-admin expires 2027-01-31 (2027-02-01T00:00:00Z); then offboarded"
std::string ExpiringLine(const ExpiringEntry& e);

// "2027-02-01T00:00:00Z"
std::string UtcText(int64_t unix_seconds);

}  // namespace idsync
