// Manifest diagnostics outside the platform block: the top level, YAML syntax, role
// bindings, groups, users, merging across files. Each case asserts the exact
// "FILE:LINE:COLUMN: message" lines, in order.
#include <doctest/doctest.h>

#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

using testing::Errors;
using testing::Files;

struct Case {
  const char* name;
  std::string text;
  std::vector<std::string> want;
};

void RunTable(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(Errors(c.text) == c.want);
  }
}

TEST_CASE("the top level of a file is checked with exact positions") {
  RunTable({
      {"a file without version is an error at 1:1", "platforms: {}\n",
       {"m.yaml:1:1: missing required key \"version\""}},
      {"comments before the mapping still point at 1:1", "# hello\n\nusers: []\n",
       {"m.yaml:1:1: missing required key \"version\""}},
      {"a version other than 1 is an error at the value", "version: 2\n",
       {"m.yaml:1:10: unsupported version \"2\"; expected version: 1"}},
      {"an unknown top-level key is an error at the key", "version: 1\nuser: []\n",
       {"m.yaml:2:1: unknown key \"user\"; expected one of: version, platforms, roles, groups, users"}},
      {"a repeated key is an error at the repeat naming the first",
       "version: 1\nroles: {}\nversion: 1\n",
       {"m.yaml:3:1: duplicate key \"version\" (first at m.yaml:1)"}},
      {"an empty file has no document", "", {"m.yaml:1:1: no YAML document in file"}},
      {"a file of comments has no document", "# nothing here\n# at all\n",
       {"m.yaml:1:1: no YAML document in file"}},
      {"a top level that is a list is not a manifest", "- version: 1\n",
       {"m.yaml:1:1: expected a mapping, got a sequence"}},
      {"users must be a list", "version: 1\nusers: {}\n",
       {"m.yaml:2:8: expected a sequence, got a mapping"}},
      {"roles must be a mapping", "version: 1\nroles: []\n",
       {"m.yaml:2:8: expected a mapping, got a sequence"}},
      {"a second document is an error", "version: 1\n---\nversion: 1\n",
       {"m.yaml:3:1: a manifest file holds one YAML document; found a second"}},
  });
}

TEST_CASE("YAML syntax errors name the parser's position and message") {
  RunTable({
      {"an unclosed flow sequence", "version: 1\nusers: [\n",
       {"m.yaml:3:1: YAML syntax error: end of sequence flow not found"}},
      {"a mapping value where none can be", "version: 1\n  x: 2\n",
       {"m.yaml:2:4: YAML syntax error: illegal map value"}},
      {"aliases are rejected at the alias", "version: 1\nroles:\n  a: &r {}\n  b: *r\n",
       {"m.yaml:4:6: YAML aliases (*name) are not supported; write the value out"}},
  });
}

// Five platforms, one of each type; line 26 is the binding under test.
const std::string kAllPlatforms = testing::kFivePlatforms + "roles:\n  r:\n";

TEST_CASE("role bindings are checked per platform type") {
  struct Binding {
    const char* name;
    const char* line26;
    std::vector<std::string> want;
  };
  const std::vector<Binding> cases = {
      {"a valid binding for each type", "    ws: DEVELOPER\n    astro: { system: SYSTEM_VIEWER }\n"
       "    astra: [ \"UI View Only\" ]\n    flux: {}\n    scimapp: {}\n", {}},
      {"workspace: an account type that does not exist", "    ws: FOO\n",
       {"m.yaml:26:9: invalid workspace account type \"FOO\"; valid: ADMIN, WORKSPACE_ADMIN, "
        "SECURITY_ADMIN, WORKSPACE_SETTINGS_ADMIN, BILLING_ADMIN, DEVELOPER, ANALYST, BUSINESS, "
        "SANDBOX_USER"}},
      {"workspace: a list instead of one account type", "    ws: [DEVELOPER]\n",
       {"m.yaml:26:9: expected a string, got a sequence"}},
      {"a binding for a platform that is not defined", "    nope: DEVELOPER\n",
       {"m.yaml:26:5: unknown platform \"nope\"; known platforms: astra, astro, flux, scimapp, ws"}},
      {"houston: a binding with neither system nor workspaces", "    astro: {}\n",
       {"m.yaml:26:12: a houston binding needs system or at least one workspace"}},
      {"houston: an unknown system role", "    astro: { system: ADMIN }\n",
       {"m.yaml:26:22: invalid houston system role \"ADMIN\"; valid: SYSTEM_ADMIN, "
        "SYSTEM_EDITOR, SYSTEM_VIEWER"}},
      {"houston: an unknown workspace role", "    astro: { workspaces: { ckws1: EDITOR } }\n",
       {"m.yaml:26:35: invalid houston workspace role \"EDITOR\"; valid: WORKSPACE_ADMIN, "
        "WORKSPACE_EDITOR, WORKSPACE_VIEWER"}},
      {"houston: an unknown key, and nothing bound", "    astro: { role: SYSTEM_ADMIN }\n",
       {"m.yaml:26:12: a houston binding needs system or at least one workspace",
        "m.yaml:26:14: unknown key \"role\"; expected one of: system, workspaces"}},
      {"astra: an empty role list", "    astra: []\n",
       {"m.yaml:26:12: an astra binding needs at least one role"}},
      {"astra: a string instead of a list", "    astra: Admin\n",
       {"m.yaml:26:12: expected a non-empty list of astra role names or ids, got a string"}},
      {"orgadmin: a role that is neither user nor admin", "    flux: { role: owner }\n",
       {"m.yaml:26:19: invalid orgadmin role \"owner\"; valid: user, admin"}},
      {"orgadmin: a group id that is not a uuid", "    flux: { groups: [ not-a-uuid ] }\n",
       {"m.yaml:26:23: invalid orgadmin group id \"not-a-uuid\"; expected a UUID"}},
      {"scim: groups that are not a list", "    scimapp: { groups: Engineering }\n",
       {"m.yaml:26:24: expected a sequence, got a string"}},
      {"scim: an unknown key", "    scimapp: { group: [a] }\n",
       {"m.yaml:26:16: unknown key \"group\"; expected one of: groups"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(Errors(kAllPlatforms + c.line26) == c.want);
  }
}

// A workspace platform (lines 1-6), a role and a group (7-11); users from line 12.
const std::string kUsersPrefix = std::string(testing::kWorkspacePlatform) + R"(roles:
  dev:
    ws: DEVELOPER
groups:
  team: { roles: [dev] }
users:
)";

TEST_CASE("groups and users are checked against the roles and groups defined") {
  RunTable({
      {"a group naming a role that does not exist",
       std::string(testing::kWorkspacePlatform) +
           "roles:\n  dev:\n    ws: DEVELOPER\ngroups:\n  team:\n    roles: [dev, ops]\n",
       {"m.yaml:12:18: unknown role \"ops\""}},
      {"a group with an unknown key",
       std::string(testing::kWorkspacePlatform) + "groups:\n  team:\n    role: []\n",
       {"m.yaml:9:5: unknown key \"role\"; expected one of: roles, groups"}},
      {"a user without email is an error at the item", kUsersPrefix + "  - name: Ann Lee\n",
       {"m.yaml:13:5: missing required key \"email\""}},
      {"an empty list item is a user without email", kUsersPrefix + "  -\n",
       {"m.yaml:13:3: missing required key \"email\""}},
      {"a list item that is a string", kUsersPrefix + "  - ann@acme.io\n",
       {"m.yaml:13:5: expected a mapping, got a string"}},
      {"an email without @", kUsersPrefix + "  - email: not-an-email\n",
       {"m.yaml:13:12: invalid email \"not-an-email\""}},
      {"a user naming a role that does not exist",
       kUsersPrefix + "  - email: a@acme.io\n    roles: [dev, ops]\n",
       {"m.yaml:14:18: unknown role \"ops\""}},
      {"a user naming a group that does not exist",
       kUsersPrefix + "  - email: a@acme.io\n    groups: [staff]\n",
       {"m.yaml:14:14: unknown group \"staff\""}},
      {"suspended accepts true and false only", kUsersPrefix + "  - email: a@acme.io\n    suspended: yes\n",
       {"m.yaml:14:16: expected true or false, got \"yes\""}},
      {"a list where a name is expected", kUsersPrefix + "  - email: a@acme.io\n    name: [Ann, Lee]\n",
       {"m.yaml:14:11: expected a string, got a sequence"}},
      {"an empty name points at its key", kUsersPrefix + "  - email: a@acme.io\n    name:\n",
       {"m.yaml:14:5: expected a string, got null"}},
      {"an unknown user key", kUsersPrefix + "  - email: a@acme.io\n    mail: x\n",
       {"m.yaml:14:5: unknown key \"mail\"; expected one of: email, name, given_name, family_name, "
        "groups, roles, suspended, external_id, expires"}},
      {"emails equal after trim and lowercase are duplicates",
       kUsersPrefix + "  - email: a@acme.io\n  - email: \" A@ACME.io \"\n",
       {"m.yaml:14:5: duplicate user \"a@acme.io\" (first at m.yaml:13)"}},
      {"a third copy also names the first",
       kUsersPrefix + "  - email: a@acme.io\n  - email: b@acme.io\n  - email: A@acme.io\n"
                      "  - email: a@ACME.io\n",
       {"m.yaml:15:5: duplicate user \"a@acme.io\" (first at m.yaml:13)",
        "m.yaml:16:5: duplicate user \"a@acme.io\" (first at m.yaml:13)"}},
      {"a repeat among users written in email order is found too",
       kUsersPrefix + "  - email: a@acme.io\n  - email: b@acme.io\n  - email: B@acme.io\n  - email: c@acme.io\n",
       {"m.yaml:15:5: duplicate user \"b@acme.io\" (first at m.yaml:14)"}},
      {"a role with no bindings and a user with no roles are valid",
       std::string(testing::kWorkspacePlatform) +
           "roles:\n  idle: {}\nusers:\n  - email: a@acme.io\n  - email: b@acme.io\n    roles: [idle]\n",
       {}},
  });
}

const std::string kOrgadmin = R"(version: 1
platforms:
  flux:
    type: orgadmin
    url: https://flux.example.com
    org: 6f9619ff-8b86-d011-b42d-00c04fc964ff
    credentials: { token: { env: F } }
roles:
  member:
    flux: {}
  nothing: {}
groups:
  staff: { roles: [member] }
users:
)";

TEST_CASE("a user bound to an orgadmin platform needs a given and a family name") {
  const std::string kError =
      "m.yaml:15:5: user \"ann@acme.io\" is bound to orgadmin platform \"flux\", which needs "
      "given_name and family_name, or a name with a space";
  RunTable({
      {"no name at all", kOrgadmin + "  - email: ann@acme.io\n    roles: [member]\n", {kError}},
      {"a one-word name", kOrgadmin + "  - email: ann@acme.io\n    name: Ann\n    roles: [member]\n",
       {kError}},
      {"a given name without a family name",
       kOrgadmin + "  - email: ann@acme.io\n    given_name: Ann\n    roles: [member]\n", {kError}},
      {"bound through a group", kOrgadmin + "  - email: ann@acme.io\n    groups: [staff]\n", {kError}},
      {"a name with a space is enough",
       kOrgadmin + "  - email: ann@acme.io\n    name: Ann Lee\n    roles: [member]\n", {}},
      {"given and family names are enough",
       kOrgadmin + "  - email: ann@acme.io\n    given_name: Ann\n    family_name: Lee\n    groups: [staff]\n",
       {}},
      {"a user not bound to orgadmin needs no name",
       kOrgadmin + "  - email: ann@acme.io\n    roles: [nothing]\n", {}},
  });
}

TEST_CASE("what a listed name means is looked up per kind: a role and a group may share a name") {
  // `staff` is a role binding nothing and a group binding orgadmin; `team` only a group.
  const std::string text = kOrgadmin + R"(  - { email: a@acme.io, roles: [staff] }
  - { email: b@acme.io, groups: [staff] }
  - { email: c@acme.io, roles: [staff], groups: [staff] }
  - { email: d@acme.io, roles: [team] }
  - { email: e@acme.io, name: Ed Fu, groups: [staff] }
  - { email: f@acme.io, roles: [member] }
)";
  std::string manifest = text;
  manifest.replace(manifest.find("  nothing: {}\n"), 0, "  staff: {}\n");
  manifest.replace(manifest.find("groups:\n") + 8, 0, "  team: { roles: [nothing] }\n");
  const std::string kNeeds = "\", which needs given_name and family_name, or a name with a space";
  CHECK(Errors(manifest) == std::vector<std::string>{
                                "m.yaml:18:5: user \"b@acme.io\" is bound to orgadmin platform \"flux" + kNeeds,
                                "m.yaml:19:5: user \"c@acme.io\" is bound to orgadmin platform \"flux" + kNeeds,
                                "m.yaml:20:33: unknown role \"team\"",
                                "m.yaml:22:5: user \"f@acme.io\" is bound to orgadmin platform \"flux" + kNeeds});
}

TEST_CASE("sections merge across files and names defined twice name both places") {
  const std::string a = std::string(testing::kWorkspacePlatform) +
                        "roles:\n  dev:\n    ws: DEVELOPER\ngroups:\n  team: { roles: [dev] }\n"
                        "users:\n  - email: a@acme.io\n";
  struct FileCase {
    const char* name;
    std::string b;
    std::vector<std::string> want;
  };
  const std::vector<FileCase> cases = {
      {"a platform defined in two files",
       "version: 1\nplatforms:\n  ws:\n    type: scim\n    url: https://s.example.com\n"
       "    credentials: { token: { env: T } }\n",
       {"b.yaml:3:3: platform \"ws\" is already defined at a.yaml:3"}},
      {"a role defined in two files", "version: 1\nroles:\n  dev: {}\n",
       {"b.yaml:3:3: role \"dev\" is already defined at a.yaml:8"}},
      {"a group defined in two files", "version: 1\ngroups:\n  team: {}\n",
       {"b.yaml:3:3: group \"team\" is already defined at a.yaml:11"}},
      {"the same email in two files", "version: 1\nusers:\n  - email: A@acme.io\n",
       {"b.yaml:3:5: duplicate user \"a@acme.io\" (first at a.yaml:13)"}},
      {"names defined in one file are used from another",
       "version: 1\nroles:\n  ops:\n    ws: ADMIN\ngroups:\n  oncall: { roles: [dev, ops] }\n"
       "users:\n  - email: b@acme.io\n    groups: [team, oncall]\n    roles: [ops]\n",
       {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    // Given in reverse: files are read in path order whatever the order given.
    CHECK(Errors(Files{{"b.yaml", c.b}, {"a.yaml", a}}) == c.want);
  }
}

TEST_CASE("every error is reported, sorted by file, line and column") {
  const Files files = {
      {"z.yaml", "version: 1\nusers: [\n"},
      {"a.yaml", std::string(testing::kWorkspacePlatform) +
                     "    timeout: soon\n"             // 7
                     "roles:\n"                        // 8
                     "  dev: { ws: HACKER, gone: X }\n"  // 9
                     "users:\n"                        // 10
                     "  - email: a@acme.io\n"          // 11
                     "    roles: [nope]\n"             // 12
                     "    suspended: maybe\n"          // 13
                     "bogus: 1\n"},                    // 14
  };
  CHECK(Errors(files) ==
        std::vector<std::string>{
            "a.yaml:7:14: invalid timeout \"soon\"; expected a positive integer with ms, s, m or h (\"30s\")",
            "a.yaml:9:14: invalid workspace account type \"HACKER\"; valid: ADMIN, WORKSPACE_ADMIN, "
            "SECURITY_ADMIN, WORKSPACE_SETTINGS_ADMIN, BILLING_ADMIN, DEVELOPER, ANALYST, BUSINESS, "
            "SANDBOX_USER",
            "a.yaml:9:22: unknown platform \"gone\"; known platforms: ws",
            "a.yaml:12:13: unknown role \"nope\"",
            "a.yaml:13:16: expected true or false, got \"maybe\"",
            "a.yaml:14:1: unknown key \"bogus\"; expected one of: version, platforms, roles, groups, users",
            "z.yaml:3:1: YAML syntax error: end of sequence flow not found",
        });
  CHECK_FALSE(LoadManifestFromStrings(files).manifest.has_value());
}

}  // namespace
}  // namespace idsync
