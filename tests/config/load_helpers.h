// Shared by the config tests: load in-memory files and render what came back.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/loader.h"

namespace idsync::testing {

using Files = std::vector<std::pair<std::string, std::string>>;

// Every diagnostic of loading `files`, as "FILE:LINE:COLUMN: message".
inline std::vector<std::string> Errors(const Files& files) {
  std::vector<std::string> out;
  for (const auto& d : LoadManifestFromStrings(files).diagnostics) out.push_back(ToString(d));
  return out;
}

inline std::vector<std::string> Errors(const std::string& text) {
  return Errors(Files{{"m.yaml", text}});
}

// A valid workspace platform block named `ws`, to prefix cases that test other sections.
inline const char* kWorkspacePlatform = R"(version: 1
platforms:
  ws:
    type: workspace
    url: https://ws.example.com/graphql
    credentials: { api_key: { env: K }, api_secret: { env: S } }
)";

// Five valid platforms, one of each type (ws, astro, astra, flux, scimapp): lines 1-24
// of a manifest; what follows (roles:, users:) starts at line 25.
inline const std::string kFivePlatforms = R"(version: 1
platforms:
  ws:
    type: workspace
    url: https://ws.example.com
    credentials: { api_key: { env: K }, api_secret: { env: S } }
  astro:
    type: houston
    url: https://houston.example.com
    credentials: { api_key: { env: H } }
  astra:
    type: astra
    url: https://api.astra.datastax.com
    credentials: { token: { env: A } }
  flux:
    type: orgadmin
    url: https://flux.example.com
    org: 6f9619ff-8b86-d011-b42d-00c04fc964ff
    credentials: { token: { env: F } }
  scimapp:
    type: scim
    url: https://scim.example.com
    credentials: { token: { env: T } }
)";

// Three roles binding the five platforms above (resolve_test, resolve_pin_test); a test
// appends its own roles and groups after them.
inline const std::string kFivePlatformRoles = R"(roles:
  engineer:
    ws: DEVELOPER
    astro: { system: SYSTEM_VIEWER, workspaces: { w1: WORKSPACE_EDITOR, w2: WORKSPACE_ADMIN } }
    astra: [ "Database Administrator" ]
    flux: { groups: [ "00000000-0000-0000-0000-00000000000a" ] }
    scimapp: { groups: [ Engineering ] }
  lead:
    ws: ADMIN
    astro: { workspaces: { w1: WORKSPACE_ADMIN, w2: WORKSPACE_VIEWER, w3: WORKSPACE_VIEWER } }
    astra: [ "UI View Only", "Database Administrator" ]
    flux: { role: admin, groups: [ "00000000-0000-0000-0000-00000000000b" ] }
  auditor:
    ws: ANALYST
    astro: { system: SYSTEM_EDITOR }
)";

}  // namespace idsync::testing
