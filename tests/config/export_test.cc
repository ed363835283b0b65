// export writes a manifest that loads, and whose desired grants equal what the
// platform holds, for every platform type: the round trip that makes adoption a no-op.
#include "config/export.h"

#include <doctest/doctest.h>

#include "config/loader.h"
#include "config/resolve.h"

namespace idsync {
namespace {

PlatformConfig Platform(PlatformType type, const std::string& name) {
  PlatformConfig p;
  p.name = name;
  p.type = type;
  p.url = "https://example.com/api";
  p.offboarding = DefaultOffboarding(type);
  SecretRef ref;
  ref.name = "TOKEN";
  switch (type) {
    case PlatformType::kWorkspace:
      p.credentials["api_key"] = ref;
      p.credentials["api_secret"] = ref;
      break;
    case PlatformType::kHouston: p.credentials["api_key"] = ref; break;
    default: p.credentials["token"] = ref; break;
  }
  if (type == PlatformType::kOrgadmin) p.org = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11";
  p.max_removals = RemovalLimit{true, 10};
  return p;
}

LiveUser Live(const std::string& email, Grants g, LiveStatus status = LiveStatus::kActive) {
  LiveUser u;
  u.id = "id-" + email;
  u.status = status;
  u.grants = std::move(g);
  u.name = "Name " + email.substr(0, 1);
  return u;
}

// Maps names in a desired set to ids the way the connectors' Resolve does.
Grants Resolved(const Grants& g, const LiveState& live) {
  Grants out = g;
  out.set.clear();
  for (const auto& item : g.set) {
    auto it = live.catalog.find(item);
    out.set.insert(it == live.catalog.end() ? item : it->second);
  }
  return out;
}

void CheckRoundTrip(const PlatformConfig& p, const LiveState& live, std::size_t expected_users) {
  std::string text = ExportManifest(p, live, ExportOptions{"2026-11-29T00:00:00Z", false});
  CAPTURE(text);
  LoadResult loaded = LoadManifestFromStrings({{"export.yaml", text}});
  for (const auto& d : loaded.diagnostics) FAIL_CHECK(ToString(d));
  REQUIRE(loaded.ok());
  const PlatformConfig& back = loaded.manifest->platforms.at(p.name);
  CHECK(back.url == p.url);
  CHECK(back.credentials.size() == p.credentials.size());
  CHECK(back.max_removals == p.max_removals);
  auto desired = ResolveDesired(*loaded.manifest)[p.name];
  CHECK(desired.size() == expected_users);
  for (const auto& entry : desired) {
    const std::string& email = entry.first;
    const DesiredUser& d = entry.second;
    CAPTURE(email);
    REQUIRE(live.users.count(email));
    bool resolves = p.type == PlatformType::kAstra || p.type == PlatformType::kScim;
    CHECK((resolves ? Resolved(d.grants, live) : d.grants) == live.users.at(email).grants);
  }
}

}  // namespace

TEST_CASE("a workspace export round-trips every account type; expired invitations become comments") {
  LiveState live;
  live.users["a@x.io"] = Live("a@x.io", Grants{"DEVELOPER", {}, {}});
  live.users["b@x.io"] = Live("b@x.io", Grants{"ADMIN", {}, {}}, LiveStatus::kPending);
  live.users["c@x.io"] = Live("c@x.io", Grants{"ANALYST", {}, {}}, LiveStatus::kExpired);
  CheckRoundTrip(Platform(PlatformType::kWorkspace, "ws"), live, 2);
  std::string text = ExportManifest(Platform(PlatformType::kWorkspace, "ws"), live, {});
  CHECK(text.find("# expired invitation: c@x.io") != std::string::npos);
  CHECK(text.find("ws-developer") != std::string::npos);
}

TEST_CASE("a houston export names workspace roles by label and keeps system roles") {
  LiveState live;
  live.catalog = {{"ckws1", "Data Team"}, {"ckws2", ""}, {"ckws3", "Data team"}};
  live.users["a@x.io"] = Live("a@x.io", Grants{"SYSTEM_ADMIN", {{"ckws1", "WORKSPACE_EDITOR"}}, {}});
  live.users["b@x.io"] = Live("b@x.io", Grants{std::nullopt, {{"ckws1", "WORKSPACE_VIEWER"}, {"ckws2", "WORKSPACE_ADMIN"}}, {}});
  live.users["c@x.io"] = Live("c@x.io", Grants{std::nullopt, {{"ckws3", "WORKSPACE_EDITOR"}}, {}});
  live.users["r@x.io"] = Live("r@x.io", Grants{}, LiveStatus::kRetired);
  CheckRoundTrip(Platform(PlatformType::kHouston, "astro"), live, 3);
  std::string text = ExportManifest(Platform(PlatformType::kHouston, "astro"), live, {});
  CHECK(text.find("astro-data-team-editor") != std::string::npos);
  CHECK(text.find("astro-system-admin") != std::string::npos);
  CHECK(text.find("astro-data-team-editor-2") != std::string::npos);  // same label, other workspace
  CHECK(text.find("# retired: r@x.io") != std::string::npos);
}

TEST_CASE("an astra export writes role names a person can read") {
  LiveState live;
  live.catalog = {{"Database Administrator", "5c7e"}, {"UI View Only", "9a4d"}};
  live.users["a@x.io"] = Live("a@x.io", Grants{std::nullopt, {}, {"5c7e", "9a4d"}});
  live.users["b@x.io"] = Live("b@x.io", Grants{std::nullopt, {}, {"9a4d"}}, LiveStatus::kPending);
  PlatformConfig p = Platform(PlatformType::kAstra, "astra");
  p.offboarding = Offboarding::kRemove;
  CheckRoundTrip(p, live, 2);
  CHECK(ExportManifest(p, live, {}).find("\"Database Administrator\"") != std::string::npos);
}

TEST_CASE("an orgadmin export keeps role and groups, and comments unmanaged members") {
  LiveState live;
  live.complete = false;
  live.users["a@x.io"] = Live("a@x.io", Grants{"admin", {}, {"0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11"}});
  live.users["b@x.io"] = Live("b@x.io", Grants{"user", {}, {}});
  live.users["userId:3f0c"] = Live("userId:3f0c", Grants{"user", {}, {}});
  live.users["a@x.io"].name = "Ada Lovelace";
  live.users["b@x.io"].name = "Bob Stone";
  CheckRoundTrip(Platform(PlatformType::kOrgadmin, "flux"), live, 2);
  CHECK(ExportManifest(Platform(PlatformType::kOrgadmin, "flux"), live, {}).find("# unmanaged member 3f0c") !=
        std::string::npos);
}

TEST_CASE("a scim export lists group memberships, and a member of no group still belongs") {
  LiveState live;
  live.catalog = {{"Engineering", "g1"}, {"On-call", "g2"}};
  live.users["a@x.io"] = Live("a@x.io", Grants{std::nullopt, {}, {"g1", "g2"}});
  live.users["b@x.io"] = Live("b@x.io", Grants{});
  CheckRoundTrip(Platform(PlatformType::kScim, "scimapp"), live, 2);
}

TEST_CASE("values that need quoting survive the export") {
  LiveState live;
  live.users["o'neil@x.io"] = Live("o'neil@x.io", Grants{"DEVELOPER", {}, {}});
  live.users["o'neil@x.io"].name = "Shaq: \"the big\" #1";
  CheckRoundTrip(Platform(PlatformType::kWorkspace, "ws"), live, 1);
}

}  // namespace idsync
