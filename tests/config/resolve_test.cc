// From roles and groups to the desired users of each platform instance.
#include <doctest/doctest.h>

#include "config/resolve.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

const std::string kPlatforms = testing::kFivePlatforms + testing::kFivePlatformRoles + R"(  idle: {}
groups:
  leads: { roles: [ lead ] }
)";

std::map<std::string, DesiredUsers> Resolve(const std::string& users) {
  LoadResult r = LoadManifestFromStrings({{"m.yaml", kPlatforms + "users:\n" + users}});
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  return ResolveDesired(*r.manifest);
}

TEST_CASE("one role gives its grants as written, with no winner to name") {
  auto desired = Resolve("  - email: Ann@acme.io\n    name: Ann Lee\n    roles: [engineer]\n");
  const DesiredUser& ws = desired.at("ws").at("ann@acme.io");
  CHECK(ws.grants == Grants{"DEVELOPER", {}, {}});
  CHECK(ws.single_from.empty());
  CHECK(ws.roles == std::vector<std::string>{"engineer"});
  CHECK(desired.at("flux").at("ann@acme.io").grants ==
        Grants{"user", {}, {"00000000-0000-0000-0000-00000000000a"}});
  CHECK(desired.at("scimapp").at("ann@acme.io").grants == Grants{std::nullopt, {}, {"Engineering"}});
  // Given and family names are derived from `name` only where the platform type reads
  // them (orgadmin, scim); the planner derives them for every action (planner_test).
  CHECK(ws.profile == Profile{"Ann@acme.io", "Ann Lee", {}, {}, std::nullopt});
  CHECK(desired.at("astro").at("ann@acme.io").profile == ws.profile);
  CHECK(desired.at("astra").at("ann@acme.io").profile == ws.profile);
  const Profile named{"Ann@acme.io", "Ann Lee", "Ann", "Lee", std::nullopt};
  CHECK(desired.at("flux").at("ann@acme.io").profile == named);
  CHECK(desired.at("scimapp").at("ann@acme.io").profile == named);
}

TEST_CASE("several roles: sets united, single values the most privileged, the winner named") {
  // lead comes through a group; effective roles are engineer, lead and auditor.
  auto desired = Resolve(
      "  - email: bo@acme.io\n    name: Bo Di\n    groups: [leads]\n    roles: [engineer, auditor]\n");
  const DesiredUser& ws = desired.at("ws").at("bo@acme.io");
  CHECK(ws.grants.single == "ADMIN");
  CHECK(ws.single_from.get() == "lead");
  CHECK(ws.roles == std::vector<std::string>{"auditor", "engineer", "lead"});

  const DesiredUser& astro = desired.at("astro").at("bo@acme.io");
  CHECK(astro.grants == Grants{"SYSTEM_EDITOR",
                               {{"w1", "WORKSPACE_ADMIN"}, {"w2", "WORKSPACE_ADMIN"},
                                {"w3", "WORKSPACE_VIEWER"}},
                               {}});
  CHECK(astro.single_from.get() == "auditor");

  CHECK(desired.at("astra").at("bo@acme.io").grants.set ==
        std::set<std::string>{"Database Administrator", "UI View Only"});
  const DesiredUser& flux = desired.at("flux").at("bo@acme.io");
  CHECK(flux.grants == Grants{"admin", {},
                              {"00000000-0000-0000-0000-00000000000a",
                               "00000000-0000-0000-0000-00000000000b"}});
  CHECK(flux.single_from.get() == "lead");
  CHECK(flux.roles == std::vector<std::string>{"engineer", "lead"});
}

TEST_CASE("users belong only where an effective role binds; every platform is listed") {
  auto desired = Resolve(
      "  - email: nobody@acme.io\n"
      "  - email: idle@acme.io\n    roles: [idle]\n"
      "  - email: audit@acme.io\n    roles: [auditor]\n"
      "  - email: gone@acme.io\n    roles: [auditor]\n    suspended: true\n");
  CHECK(desired.size() == 5);
  CHECK(desired.at("astra").empty());
  CHECK(desired.at("flux").empty());
  CHECK(desired.at("scimapp").empty());
  CHECK(desired.at("ws").size() == 2);
  CHECK(desired.at("ws").count("nobody@acme.io") == 0);
  CHECK(desired.at("ws").count("idle@acme.io") == 0);
  CHECK_FALSE(desired.at("ws").at("audit@acme.io").suspended);
  CHECK(desired.at("ws").at("gone@acme.io").suspended);
  CHECK(desired.at("astro").at("gone@acme.io").grants == Grants{"SYSTEM_EDITOR", {}, {}});
}

TEST_CASE("profiles take given and family names, else split the name at its last space") {
  struct Case {
    const char* name;
    User user;
    Profile want;
  };
  auto user = [](std::optional<std::string> name, std::optional<std::string> given,
                 std::optional<std::string> family) {
    User u;
    u.email = "x@acme.io";
    u.email_as_written = "X@acme.io";
    u.name = std::move(name);
    u.given_name = std::move(given);
    u.family_name = std::move(family);
    u.external_id = "E1";
    return u;
  };
  const std::vector<Case> cases = {
      {"both written", user("Ann Lee", "Annie", "Leigh"), {"X@acme.io", "Ann Lee", "Annie", "Leigh", "E1"}},
      {"split at the last space", user("Bob van Builder", {}, {}),
       {"X@acme.io", "Bob van Builder", "Bob van", "Builder", "E1"}},
      {"a written family name kept", user("Ann Lee", {}, "Smith"),
       {"X@acme.io", "Ann Lee", "Ann", "Smith", "E1"}},
      {"one word gives neither", user("Cher", {}, {}), {"X@acme.io", "Cher", {}, {}, "E1"}},
      {"no name at all", user({}, {}, {}), {"X@acme.io", {}, {}, {}, "E1"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(ProfileOf(c.user) == c.want);
  }
}

}  // namespace
}  // namespace idsync
