// The `workspace:` section of the simulator's seed (see examples/sim-seed.yaml):
//   workspace:
//     credentials: { api_key: KEY, api_secret: SECRET }    # required
//     users:       [ { email, accountType, name?, uid? } ] # active users
//     invitations: [ { email, accountType, inviteStatus? } ] # inviteStatus: SENT
//     disabled:    [ { email, accountType, name?, uid? } ] # not listed
// accountType must be a UserAccountType value; uid 64 lowercase hex (new when absent).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/graphql/schema.h"
#include "sim/workspace/workspace_state.h"

namespace idsync::sim {

// The key pair every request must carry (X-API-KEY, X-API-SECRET).
struct WorkspaceCredentials {
  std::string api_key, api_secret;
};

// Whether `value` is a value of the schema's UserAccountType enum.
bool IsAccountType(const gql::Schema& schema, const std::string& value);

// Fills `out` and `credentials` from `section`, checking account types against
// `schema`. Returns "" or an error naming the key and the YAML line.
std::string ReadWorkspaceSeed(const YAML::Node& section, const gql::Schema& schema, WorkspaceState* out,
                              WorkspaceCredentials* credentials);

}  // namespace idsync::sim
