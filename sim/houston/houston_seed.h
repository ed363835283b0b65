// The `houston:` section of the simulator's seed (see examples/sim-seed.houston.yaml):
//   credentials: { api_key: KEY }                       (required)
//   workspaces: [ { id, label, deployments: [ { id, label } ] } ]
//   users: [ { email, fullName, status, id, username,
//              system: ROLE or [ROLE...],               SYSTEM_* or USER
//              workspaces: { <workspace id>: WORKSPACE_* },
//              deployments: { <deployment id>: DEPLOYMENT_* } } ]
//   invites: [ { email, role, workspace } ]             workspace absent: a system invitation
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/houston/houston_state.h"

namespace idsync::sim::houston {

// Reads the section into `state` and `api_key`. Returns "" or an error with its line.
std::string ReadSeed(const YAML::Node& section, State* state, std::string* api_key);

// One user entry (also the body of the `users` control). Returns "" or an error.
// Bindings are checked against `state`'s workspaces by State::AddUser, not here.
std::string ReadUser(const YAML::Node& node, const std::string& where, User* out);

// One invitation entry (also the body of the `invites` control).
std::string ReadInvite(const YAML::Node& node, const std::string& where, Invite* out);

// A role list: a scalar or a sequence of scalars, each one of `allowed`'s kind.
std::string ReadRoles(const YAML::Node& node, const std::string& where, bool (*allowed)(const std::string&),
                      std::vector<std::string>* out);

}  // namespace idsync::sim::houston
