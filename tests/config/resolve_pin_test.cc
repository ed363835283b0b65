// ResolveDesired's whole output pinned as text: a manifest mixing what resolution
// distinguishes (roles and groups, nesting, single-valued winners, expiries on users,
// roles and groups, repeated role sets, emails in and out of order, suspended users),
// rendered field by field. The expected text was produced by the implementation before
// the resolver was made faster; any change to it is a change of behaviour. One change
// since: given and family names are derived from `name` only on the platform types that
// read them (orgadmin, scim: core/platform.h UsesPersonNames), so the astra, houston and
// workspace users below show only the names the manifest writes.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "config/resolve.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

const std::string kManifest = testing::kFivePlatforms + testing::kFivePlatformRoles + R"(  viewer:
    ws: BUSINESS
    scimapp: { groups: [ Viewers ] }
  idle: {}
groups:
  leads: { roles: [ lead ] }
  staff: { roles: [ engineer, viewer ], groups: [ leads ] }
  org: { groups: [ staff ], roles: [ auditor ] }
users:
  - { email: a1@acme.io, name: Ann Lee, roles: [engineer] }
  - { email: a2@acme.io, name: Bo Di, roles: [engineer] }
  - { email: A3@Acme.io, name: "  Cy  van  Dam ", roles: [engineer, auditor] }
  - { email: a0@acme.io, name: Cher, roles: [viewer, auditor] }
  - { email: b1@acme.io, given_name: Dee, family_name: Ng, groups: [staff] }
  - { email: b2@acme.io, name: Ed Fu, groups: [staff], roles: [auditor] }
  - { email: b3@acme.io, name: Fay Go, groups: [org] }
  - { email: b4@acme.io, name: Gil Ha, groups: [org, leads], external_id: E-4 }
  - { email: b0@acme.io, name: Hal Io, roles: [viewer, lead], groups: [staff], suspended: true }
  - email: c1@acme.io
    name: Ivy Jo
    roles: [ engineer, { role: lead, expires: 2027-01-31 } ]
    groups: [ { group: org, expires: 2027-02-10 } ]
    expires: 2027-03-01
  - email: c2@acme.io
    name: Jan Ko
    roles: [ { role: auditor, expires: 2027-01-31 }, viewer ]
  - email: c0@acme.io
    name: Kim Lu
    groups: [ { group: leads, expires: "2027-01-31T12:00:00Z" }, { group: staff, expires: 2027-01-31 } ]
    expires: 2027-01-31
  - { email: d1@acme.io, name: Lea Ma, roles: [engineer] }
  - { email: d2@acme.io, roles: [idle] }
  - { email: d3@acme.io, name: Mo No }
  - { email: d4@acme.io, name: Ned Oz, groups: [staff] }
  - { email: d5@acme.io, name: Ola Pi, roles: [auditor, engineer] }
)";

std::string Opt(const std::optional<std::string>& s) { return s ? "\"" + *s + "\"" : "-"; }

std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& i : items) out += (out.size() > 1 ? "," : "") + i;
  return out + "]";
}

std::string Dump(const std::map<std::string, DesiredUsers>& desired) {
  std::ostringstream out;
  for (const auto& [platform, users] : desired) {
    out << platform << ":\n";
    for (const auto& [email, d] : users) {
      const Profile& p = d.profile;
      out << " " << email << " as=" << p.email_as_written << " name=" << Opt(p.name)
          << " given=" << Opt(p.given_name) << " family=" << Opt(p.family_name) << " ext=" << Opt(p.external_id)
          << (d.suspended ? " suspended" : "") << " grants=" << ToString(d.grants) << " from=" << d.single_from.get()
          << " via=" << d.single_via.get() << " roles=" << List(d.roles) << "\n";
      for (const auto& s : d.expiries)
        out << "  at " << s.at << " " << s.text << " (" << s.what << ") grants="
            << (s.grants ? ToString(*s.grants) : "off") << " roles=" << List(s.roles) << " from=" << s.single_from.get()
            << " via=" << s.single_via.get() << "\n";
    }
  }
  return out.str();
}

std::map<std::string, DesiredUsers> Resolve(const std::string& text) {
  LoadResult r = LoadManifestFromStrings({{"m.yaml", text}});
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  return ResolveDesired(*r.manifest);
}

const char* const kWant = R"(astra:
 a1@acme.io as=a1@acme.io name="Ann Lee" given=- family=- ext=- grants=[Database Administrator] from= via= roles=[engineer]
 a2@acme.io as=a2@acme.io name="Bo Di" given=- family=- ext=- grants=[Database Administrator] from= via= roles=[engineer]
 a3@acme.io as=A3@Acme.io name="  Cy  van  Dam " given=- family=- ext=- grants=[Database Administrator] from= via= roles=[engineer]
 b0@acme.io as=b0@acme.io name="Hal Io" given=- family=- ext=- suspended grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 b1@acme.io as=b1@acme.io name=- given="Dee" family="Ng" ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 b2@acme.io as=b2@acme.io name="Ed Fu" given=- family=- ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 b3@acme.io as=b3@acme.io name="Fay Go" given=- family=- ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 b4@acme.io as=b4@acme.io name="Gil Ha" given=- family=- ext="E-4" grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 c0@acme.io as=c0@acme.io name="Kim Lu" given=- family=- ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
  at 1801440000 2027-01-31 (user) grants=off roles=[] from= via=
 c1@acme.io as=c1@acme.io name="Ivy Jo" given=- family=- ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
  at 1802304000 2027-02-10 (group org) grants=[Database Administrator] roles=[engineer] from= via=
  at 1803945600 2027-03-01 (user) grants=off roles=[] from= via=
 d1@acme.io as=d1@acme.io name="Lea Ma" given=- family=- ext=- grants=[Database Administrator] from= via= roles=[engineer]
 d4@acme.io as=d4@acme.io name="Ned Oz" given=- family=- ext=- grants=[Database Administrator, UI View Only] from= via= roles=[engineer,lead]
 d5@acme.io as=d5@acme.io name="Ola Pi" given=- family=- ext=- grants=[Database Administrator] from= via= roles=[engineer]
astro:
 a0@acme.io as=a0@acme.io name="Cher" given=- family=- ext=- grants=SYSTEM_EDITOR from= via= roles=[auditor]
 a1@acme.io as=a1@acme.io name="Ann Lee" given=- family=- ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN from= via= roles=[engineer]
 a2@acme.io as=a2@acme.io name="Bo Di" given=- family=- ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN from= via= roles=[engineer]
 a3@acme.io as=A3@Acme.io name="  Cy  van  Dam " given=- family=- ext=- grants=SYSTEM_EDITOR w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN from=auditor via= roles=[auditor,engineer]
 b0@acme.io as=b0@acme.io name="Hal Io" given=- family=- ext=- suspended grants=SYSTEM_VIEWER w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from= via= roles=[engineer,lead]
 b1@acme.io as=b1@acme.io name=- given="Dee" family="Ng" ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from= via= roles=[engineer,lead]
 b2@acme.io as=b2@acme.io name="Ed Fu" given=- family=- ext=- grants=SYSTEM_EDITOR w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from=auditor via= roles=[auditor,engineer,lead]
 b3@acme.io as=b3@acme.io name="Fay Go" given=- family=- ext=- grants=SYSTEM_EDITOR w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from=auditor via=org roles=[auditor,engineer,lead]
 b4@acme.io as=b4@acme.io name="Gil Ha" given=- family=- ext="E-4" grants=SYSTEM_EDITOR w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from=auditor via=org roles=[auditor,engineer,lead]
 c0@acme.io as=c0@acme.io name="Kim Lu" given=- family=- ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from= via= roles=[engineer,lead]
  at 1801440000 2027-01-31 (user) grants=off roles=[] from= via=
 c1@acme.io as=c1@acme.io name="Ivy Jo" given=- family=- ext=- grants=SYSTEM_EDITOR w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from=auditor via=org roles=[auditor,engineer,lead]
  at 1802304000 2027-02-10 (group org) grants=SYSTEM_VIEWER w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN roles=[engineer] from= via=
  at 1803945600 2027-03-01 (user) grants=off roles=[] from= via=
 c2@acme.io as=c2@acme.io name="Jan Ko" given=- family=- ext=- grants=SYSTEM_EDITOR from= via= roles=[auditor]
  at 1801440000 2027-01-31 (role auditor) grants=off roles=[] from= via=
 d1@acme.io as=d1@acme.io name="Lea Ma" given=- family=- ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN from= via= roles=[engineer]
 d4@acme.io as=d4@acme.io name="Ned Oz" given=- family=- ext=- grants=SYSTEM_VIEWER w1=WORKSPACE_ADMIN w2=WORKSPACE_ADMIN w3=WORKSPACE_VIEWER from= via= roles=[engineer,lead]
 d5@acme.io as=d5@acme.io name="Ola Pi" given=- family=- ext=- grants=SYSTEM_EDITOR w1=WORKSPACE_EDITOR w2=WORKSPACE_ADMIN from=auditor via= roles=[auditor,engineer]
flux:
 a1@acme.io as=a1@acme.io name="Ann Lee" given="Ann" family="Lee" ext=- grants=user [00000000-0000-0000-0000-00000000000a] from= via= roles=[engineer]
 a2@acme.io as=a2@acme.io name="Bo Di" given="Bo" family="Di" ext=- grants=user [00000000-0000-0000-0000-00000000000a] from= via= roles=[engineer]
 a3@acme.io as=A3@Acme.io name="  Cy  van  Dam " given="Cy  van" family="Dam" ext=- grants=user [00000000-0000-0000-0000-00000000000a] from= via= roles=[engineer]
 b0@acme.io as=b0@acme.io name="Hal Io" given="Hal" family="Io" ext=- suspended grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via= roles=[engineer,lead]
 b1@acme.io as=b1@acme.io name=- given="Dee" family="Ng" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=staff > leads roles=[engineer,lead]
 b2@acme.io as=b2@acme.io name="Ed Fu" given="Ed" family="Fu" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=staff > leads roles=[engineer,lead]
 b3@acme.io as=b3@acme.io name="Fay Go" given="Fay" family="Go" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=org > staff > leads roles=[engineer,lead]
 b4@acme.io as=b4@acme.io name="Gil Ha" given="Gil" family="Ha" ext="E-4" grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=org > staff > leads roles=[engineer,lead]
 c0@acme.io as=c0@acme.io name="Kim Lu" given="Kim" family="Lu" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=staff > leads roles=[engineer,lead]
  at 1801440000 2027-01-31 (user) grants=off roles=[] from= via=
 c1@acme.io as=c1@acme.io name="Ivy Jo" given="Ivy" family="Jo" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=org > staff > leads roles=[engineer,lead]
  at 1802304000 2027-02-10 (group org) grants=user [00000000-0000-0000-0000-00000000000a] roles=[engineer] from= via=
  at 1803945600 2027-03-01 (user) grants=off roles=[] from= via=
 d1@acme.io as=d1@acme.io name="Lea Ma" given="Lea" family="Ma" ext=- grants=user [00000000-0000-0000-0000-00000000000a] from= via= roles=[engineer]
 d4@acme.io as=d4@acme.io name="Ned Oz" given="Ned" family="Oz" ext=- grants=admin [00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b] from=lead via=staff > leads roles=[engineer,lead]
 d5@acme.io as=d5@acme.io name="Ola Pi" given="Ola" family="Pi" ext=- grants=user [00000000-0000-0000-0000-00000000000a] from= via= roles=[engineer]
scimapp:
 a0@acme.io as=a0@acme.io name="Cher" given=- family=- ext=- grants=[Viewers] from= via= roles=[viewer]
 a1@acme.io as=a1@acme.io name="Ann Lee" given="Ann" family="Lee" ext=- grants=[Engineering] from= via= roles=[engineer]
 a2@acme.io as=a2@acme.io name="Bo Di" given="Bo" family="Di" ext=- grants=[Engineering] from= via= roles=[engineer]
 a3@acme.io as=A3@Acme.io name="  Cy  van  Dam " given="Cy  van" family="Dam" ext=- grants=[Engineering] from= via= roles=[engineer]
 b0@acme.io as=b0@acme.io name="Hal Io" given="Hal" family="Io" ext=- suspended grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 b1@acme.io as=b1@acme.io name=- given="Dee" family="Ng" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 b2@acme.io as=b2@acme.io name="Ed Fu" given="Ed" family="Fu" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 b3@acme.io as=b3@acme.io name="Fay Go" given="Fay" family="Go" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 b4@acme.io as=b4@acme.io name="Gil Ha" given="Gil" family="Ha" ext="E-4" grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 c0@acme.io as=c0@acme.io name="Kim Lu" given="Kim" family="Lu" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
  at 1801440000 2027-01-31 (user) grants=off roles=[] from= via=
 c1@acme.io as=c1@acme.io name="Ivy Jo" given="Ivy" family="Jo" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
  at 1802304000 2027-02-10 (group org) grants=[Engineering] roles=[engineer] from= via=
  at 1803945600 2027-03-01 (user) grants=off roles=[] from= via=
 c2@acme.io as=c2@acme.io name="Jan Ko" given="Jan" family="Ko" ext=- grants=[Viewers] from= via= roles=[viewer]
 d1@acme.io as=d1@acme.io name="Lea Ma" given="Lea" family="Ma" ext=- grants=[Engineering] from= via= roles=[engineer]
 d4@acme.io as=d4@acme.io name="Ned Oz" given="Ned" family="Oz" ext=- grants=[Engineering, Viewers] from= via= roles=[engineer,viewer]
 d5@acme.io as=d5@acme.io name="Ola Pi" given="Ola" family="Pi" ext=- grants=[Engineering] from= via= roles=[engineer]
ws:
 a0@acme.io as=a0@acme.io name="Cher" given=- family=- ext=- grants=ANALYST from=auditor via= roles=[auditor,viewer]
 a1@acme.io as=a1@acme.io name="Ann Lee" given=- family=- ext=- grants=DEVELOPER from= via= roles=[engineer]
 a2@acme.io as=a2@acme.io name="Bo Di" given=- family=- ext=- grants=DEVELOPER from= via= roles=[engineer]
 a3@acme.io as=A3@Acme.io name="  Cy  van  Dam " given=- family=- ext=- grants=DEVELOPER from=engineer via= roles=[auditor,engineer]
 b0@acme.io as=b0@acme.io name="Hal Io" given=- family=- ext=- suspended grants=ADMIN from=lead via= roles=[engineer,lead,viewer]
 b1@acme.io as=b1@acme.io name=- given="Dee" family="Ng" ext=- grants=ADMIN from=lead via=staff > leads roles=[engineer,lead,viewer]
 b2@acme.io as=b2@acme.io name="Ed Fu" given=- family=- ext=- grants=ADMIN from=lead via=staff > leads roles=[auditor,engineer,lead,viewer]
 b3@acme.io as=b3@acme.io name="Fay Go" given=- family=- ext=- grants=ADMIN from=lead via=org > staff > leads roles=[auditor,engineer,lead,viewer]
 b4@acme.io as=b4@acme.io name="Gil Ha" given=- family=- ext="E-4" grants=ADMIN from=lead via=org > staff > leads roles=[auditor,engineer,lead,viewer]
 c0@acme.io as=c0@acme.io name="Kim Lu" given=- family=- ext=- grants=ADMIN from=lead via=staff > leads roles=[engineer,lead,viewer]
  at 1801440000 2027-01-31 (user) grants=off roles=[] from= via=
 c1@acme.io as=c1@acme.io name="Ivy Jo" given=- family=- ext=- grants=ADMIN from=lead via=org > staff > leads roles=[auditor,engineer,lead,viewer]
  at 1802304000 2027-02-10 (group org) grants=DEVELOPER roles=[engineer] from= via=
  at 1803945600 2027-03-01 (user) grants=off roles=[] from= via=
 c2@acme.io as=c2@acme.io name="Jan Ko" given=- family=- ext=- grants=ANALYST from=auditor via= roles=[auditor,viewer]
  at 1801440000 2027-01-31 (role auditor) grants=BUSINESS roles=[viewer] from= via=
 d1@acme.io as=d1@acme.io name="Lea Ma" given=- family=- ext=- grants=DEVELOPER from= via= roles=[engineer]
 d4@acme.io as=d4@acme.io name="Ned Oz" given=- family=- ext=- grants=ADMIN from=lead via=staff > leads roles=[engineer,lead,viewer]
 d5@acme.io as=d5@acme.io name="Ola Pi" given=- family=- ext=- grants=DEVELOPER from=engineer via= roles=[auditor,engineer]
)";

TEST_CASE("the resolved users of a varied manifest are pinned field by field") {
  CHECK(Dump(Resolve(kManifest)) == kWant);
}

// The users' `- ` lines of kManifest in another order: sorted by email (the resolver's
// in-order path) and reversed (its out-of-order path) must resolve alike.
std::string Reordered(bool reverse) {
  const std::size_t users = kManifest.find("users:\n") + 7;
  std::vector<std::string> items;
  std::istringstream in(kManifest.substr(users));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("  - ", 0) == 0) items.emplace_back();
    items.back() += line + "\n";
  }
  auto email = [](const std::string& item) {
    auto at = item.find("email: ") + 7;
    std::string e = item.substr(at, item.find_first_of(",\n", at) - at);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
    return e;
  };
  std::sort(items.begin(), items.end(), [&](const auto& a, const auto& b) { return email(a) < email(b); });
  if (reverse) std::reverse(items.begin(), items.end());
  std::string text = kManifest.substr(0, users);
  for (const auto& i : items) text += i;
  return text;
}

TEST_CASE("the order of the users in the file does not change what is resolved") {
  const std::string want = Dump(Resolve(kManifest));
  CHECK(Dump(Resolve(Reordered(false))) == want);
  CHECK(Dump(Resolve(Reordered(true))) == want);
}

}  // namespace
}  // namespace idsync
