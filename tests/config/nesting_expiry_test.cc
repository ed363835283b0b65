// Nested groups and `expires:` in the manifest (SPEC §2): loader errors at exact
// positions, effective roles through groups, and the steps expiry will make.
#include <doctest/doctest.h>

#include "config/expiry.h"
#include "config/groups.h"
#include "config/resolve.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

using testing::Errors;
using testing::kWorkspacePlatform;

const std::string kRoles = std::string(kWorkspacePlatform) + R"(roles:
  dev: { ws: DEVELOPER }
  admin: { ws: ADMIN }
  viewer: { ws: ANALYST }
)";

// One string, so a failing CHECK prints both sides.
std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

struct Case {
  const char* name;
  std::string text;
  std::vector<std::string> want;
};

TEST_CASE("nested groups and expiry values are checked with exact positions") {
  const std::vector<Case> cases = {
      {"a cycle names every edge's position, once, at its first edge",
       kRoles + "groups:\n  a: { groups: [ b ] }\n  b: { groups: [ c ] }\n  c: { groups: [ a ], roles: [ dev ] }\n",
       {"m.yaml:12:18: group cycle: a \u2192 b (m.yaml:12:18) \u2192 c (m.yaml:13:18) \u2192 a "
        "(m.yaml:14:18)"}},
      {"a group listing itself is a cycle of one edge",
       kRoles + "groups:\n  a: { groups: [ a ] }\n",
       {"m.yaml:12:18: group cycle: a \u2192 a (m.yaml:12:18)"}},
      {"an unknown nested group is an error at its position",
       kRoles + "groups:\n  a: { groups: [ nope ] }\n",
       {"m.yaml:12:18: unknown group \"nope\""}},
      {"the expiring form is for users' lists; in a group it must be a name",
       kRoles + "groups:\n  a: { groups: [ { group: b, expires: 2027-01-31 } ] }\n  b: {}\n",
       {"m.yaml:12:18: expected a string, got a mapping"}},
      {"a malformed expiry is an error at its value",
       kRoles + "users:\n  - email: a@x.io\n    expires: 2027-02-30\n",
       {"m.yaml:13:14: invalid expires \"2027-02-30\"; expected a date (2027-01-31) or an RFC 3339 "
        "timestamp with a zone (2027-01-31T18:00:00Z)"}},
      {"a timestamp without a zone is malformed",
       kRoles + "users:\n  - email: a@x.io\n    roles: [ { role: dev, expires: 2027-01-31T10:00:00 } ]\n",
       {"m.yaml:13:36: invalid expires \"2027-01-31T10:00:00\"; expected a date (2027-01-31) or an "
        "RFC 3339 timestamp with a zone (2027-01-31T18:00:00Z)"}},
      {"an expiring membership needs both keys and no others",
       kRoles + "users:\n  - email: a@x.io\n    roles: [ { role: dev, until: 2027-01-31 } ]\n",
       {"m.yaml:13:14: missing required key \"expires\"",
        "m.yaml:13:27: unknown key \"until\"; expected one of: role, expires"}},
      {"an unknown role in the expiring form is an error at its name",
       kRoles + "users:\n  - email: a@x.io\n    roles: [ { role: nope, expires: 2027-01-31 } ]\n",
       {"m.yaml:13:22: unknown role \"nope\""}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(Joined(Errors(c.text)) == Joined(c.want));
  }
}

TEST_CASE("expiry values: a date ends with its day in UTC; a timestamp needs a zone") {
  CHECK(ParseExpiry("2027-01-31") == 1801440000);  // 2027-02-01T00:00:00Z
  CHECK(ParseExpiry("2026-12-24T18:00:00Z") == 1798135200);
  CHECK(ParseExpiry("2026-12-24T20:00:00+02:00") == 1798135200);
  CHECK(ParseExpiry("2026-12-24t18:00:00.250z") == 1798135201);  // fractions round up
  CHECK(ParseExpiry("2024-02-29") == 1709251200);
  CHECK_FALSE(ParseExpiry("2023-02-29"));
  CHECK_FALSE(ParseExpiry("2027-1-31"));
  CHECK_FALSE(ParseExpiry("2027-01-31T25:00:00Z"));
  CHECK_FALSE(ParseExpiry("tomorrow"));
}

LoadResult Load(const std::string& text) {
  LoadResult r = LoadManifestFromStrings({{"m.yaml", text}});
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  return r;
}

TEST_CASE("effective roles run through nested groups, and the plan knows the path") {
  LoadResult r = Load(kRoles + R"(groups:
  eng: { groups: [ platform ], roles: [ dev ] }
  platform: { groups: [ admins ] }
  admins: { roles: [ admin ] }
users:
  - { email: a@x.io, groups: [ eng ], roles: [ viewer ] }
)");
  GroupRoles groups(r.manifest->groups);
  CHECK(groups.Path("eng", "admin") == std::vector<std::string>{"eng", "platform", "admins"});
  auto ws = ResolveDesired(*r.manifest).at("ws").at("a@x.io");
  CHECK(ws.roles == std::vector<std::string>{"admin", "dev", "viewer"});
  CHECK(*ws.grants.single == "ADMIN");
  CHECK(ws.single_from.get() == "admin");
  CHECK(ws.single_via.get() == "eng > platform > admins");
  CHECK(ws.expiries.empty());
}

TEST_CASE("expiry steps: what each expires: changes, latest source of a role wins") {
  LoadResult r = Load(kRoles + R"(groups:
  oncall: { roles: [ admin ] }
users:
  - email: a@x.io
    roles: [ dev, { role: admin, expires: 2027-01-31 } ]
    groups: [ { group: oncall, expires: 2027-02-10 } ]
  - email: b@x.io
    expires: 2027-03-01
    roles: [ dev ]
)");
  auto ws = ResolveDesired(*r.manifest).at("ws");
  const auto& a = ws.at("a@x.io");
  CHECK(*a.grants.single == "ADMIN");
  REQUIRE(a.expiries.size() == 1);  // admin lasts through oncall until 02-10
  CHECK(a.expiries[0].text == "2027-02-10");
  CHECK(a.expiries[0].what == "group oncall");
  CHECK(*a.expiries[0].grants->single == "DEVELOPER");
  CHECK(a.expiries[0].roles == std::vector<std::string>{"dev"});
  const auto& b = ws.at("b@x.io");
  REQUIRE(b.expiries.size() == 1);
  CHECK(b.expiries[0].what == "user");
  CHECK_FALSE(b.expiries[0].grants);
  auto next = NextExpiry(ResolveDesired(*r.manifest), 0);
  CHECK(next.at("ws") == *ParseExpiry("2027-02-10"));
  CHECK(NextExpiry(ResolveDesired(*r.manifest), *ParseExpiry("2027-03-01")).at("ws") == std::nullopt);
}

TEST_CASE("validate's warnings name each entry that has already expired") {
  LoadResult r = Load(kRoles + R"(users:
  - email: a@x.io
    roles: [ dev, { role: admin, expires: 2020-01-31 } ]
  - email: b@x.io
    expires: 2099-01-01
)");
  std::vector<std::string> got;
  for (const auto& d : ExpiredWarnings(*r.manifest, *ParseExpiry("2026-06-01")))
    got.push_back(ToString(d));
  CHECK(Joined(got) == "m.yaml:13:43: warning: role admin of a@x.io expired 2020-01-31; remove the entry\n");
}

}  // namespace
}  // namespace idsync

namespace idsync {
namespace {

TEST_CASE("a deep path is shortened in plans, so each user's line stays small") {
  std::vector<std::string> path;
  for (int i = 0; i < 1000; ++i) path.push_back("g" + std::to_string(i));
  CHECK(ShortPath(path) == "g0 > g1 > \u2026 996 more \u2026 > g998 > g999");
  CHECK(ShortPath({"a", "b", "c", "d", "e"}) == "a > b > c > d > e");
}

}  // namespace
}  // namespace idsync
