// The `scim:` section of the simulator's seed (see examples/sim-seed.scim.yaml):
//   credentials: { token: ... }                                  (required)
//   config: { filter: true, maxResults: 200, patch: true }       (these defaults)
//   groups: [ { displayName: Engineering, id: optional } ]
//   users:  [ { userName, givenName, familyName, displayName, active (true), externalId,
//               groups: [displayName], id: optional, hidden: false } ]
// Plain scalars true/false and integers are read as such; quoted ones stay strings.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/scim/scim_state.h"

namespace idsync::sim::scim {

// Fills `out` and `token` (the bearer token accepted) from `section`. Returns "" or an
// error naming the key and the YAML line.
std::string ReadSeed(const YAML::Node& section, State* out, std::string* token);

}  // namespace idsync::sim::scim
