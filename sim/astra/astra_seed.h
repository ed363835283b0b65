// The `astra:` section of the simulator's seed (documented in
// examples/sim-seed.astra.yaml):
//   astra:
//     credentials: { token: sim-astra-token }          # required
//     org: { id: <uuid>, name: Acme }                    # optional (astra.md's example)
//     roles: [ "Organization Administrator", { name: Data Wizard, id: <uuid> } ]
//                                                        # optional: the ten defaults
//     users: [ { email: ..., status: active|invited, roles: [names or ids], id: <uuid> } ]
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/astra/astra_state.h"

namespace idsync::sim {

// Fills `state` and `token` from `section`. Returns "" or an error naming the key and
// the YAML line.
std::string ReadAstraSeed(const YAML::Node& section, AstraState* state, std::string* token);

}  // namespace idsync::sim
