// The `orgadmin:` section of the simulator's seed (see examples/sim-seed.orgadmin.yaml):
//   credentials: { token: sim-token }                      # required
//   org: { id: <uuid>, name: Fluxweave }                   # required
//   groups:  [ { id: <uuid>, name: Engineering } ]
//   users:   [ { email, first, last, name?, mobile?, id? } ]   # global users
//   members: [ { email, role: user|admin, status: active|retired, externalId?,
//                groups: [<group uuid>] } ]                # memberships of `org`
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/orgadmin/orgadmin_state.h"

namespace idsync::sim {

// Fills `out` and `token` (the bearer token accepted) from `section`. Returns "" or an
// error naming the key and the YAML line.
std::string ReadOrgadminSeed(const YAML::Node& section, OrgadminState* out, std::string* token);

}  // namespace idsync::sim
