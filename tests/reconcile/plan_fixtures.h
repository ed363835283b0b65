// Small builders for planner and renderer tests: one line per user in a table row.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/users.h"
#include "reconcile/plan.h"
#include "reconcile/planner.h"

namespace idsync::testing {

inline Grants Single(const std::string& value) {
  Grants g;
  g.single = value;
  return g;
}
inline Grants Set(std::set<std::string> items) {
  Grants g;
  g.set = std::move(items);
  return g;
}
inline Grants SingleSet(const std::string& value, std::set<std::string> items) {
  Grants g = Set(std::move(items));
  g.single = value;
  return g;
}
inline Grants Scoped(std::map<std::string, std::string> scoped,
                     std::optional<std::string> single = std::nullopt) {
  Grants g;
  g.single = std::move(single);
  g.scoped = std::move(scoped);
  return g;
}

// A desired or listed user with the email it is keyed by (DesiredOf, LiveOf): the
// records themselves hold none.
struct Wanted : DesiredUser {
  std::string email;
};
struct Listed : LiveUser {
  std::string email;
};

inline Wanted Want(const std::string& email, Grants grants, std::vector<std::string> roles = {}) {
  Wanted d;
  d.email = email;
  d.profile.email_as_written = email;
  d.grants = std::move(grants);
  d.roles = std::move(roles);
  return d;
}

inline Wanted Suspended(const std::string& email, Grants grants = {}) {
  Wanted d = Want(email, std::move(grants));
  d.suspended = true;
  return d;
}

inline Listed Live(const std::string& email, Grants grants, LiveStatus status = LiveStatus::kActive) {
  Listed u;
  u.id = "id-" + email.substr(0, email.find('@'));
  u.email = email;
  u.status = status;
  u.grants = std::move(grants);
  return u;
}

inline ManagedAccount Managed(const std::string& email, Grants grants, bool retired = false) {
  ManagedAccount m;
  m.platform = "p";
  m.email = email;
  m.user_id = "id-" + email.substr(0, email.find('@'));
  m.grants = std::move(grants);
  m.retired = retired;
  return m;
}

inline DesiredUsers DesiredOf(const std::vector<Wanted>& users) {
  DesiredUsers out;
  for (const auto& u : users) out[u.email] = u;
  return out;
}

inline LiveState LiveOf(const std::vector<Listed>& users, bool complete = true) {
  LiveState out;
  for (const auto& u : users) out.users[u.email] = u;
  out.complete = complete;
  return out;
}

inline ManagedAccounts ManagedOf(const std::vector<ManagedAccount>& accounts) {
  ManagedAccounts out;
  for (const auto& a : accounts) out[a.email] = a;
  return out;
}

inline PlatformPolicy Policy(PlatformType type, const std::string& name = "p") {
  return PlatformPolicy{.platform = name,
                        .type = type,
                        .offboarding = DefaultOffboarding(type),
                        .unmanaged = UnmanagedPolicy::kIgnore,
                        .max_removals = std::nullopt};
}

inline std::vector<std::string> Lines(const PlatformPlan& plan) {
  std::vector<std::string> out;
  for (const auto& a : plan.actions) out.push_back(ToString(a));
  return out;
}

}  // namespace idsync::testing

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "{";
    for (const auto& line : lines) out += "\n  \"" + line + "\"";
    return String((out + "\n}").c_str());
  }
};
}  // namespace doctest
