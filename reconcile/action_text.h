// How one action reads in every rendering (text, markdown, ToString): its rune, its
// grants column and its parenthesised annotation. Internal to reconcile/.
#pragma once

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

}  // namespace idsync
