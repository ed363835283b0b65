// `idsync export` (SPEC §4): a platform's live users written as a whole manifest that,
// applied unchanged, plans no changes. This is how a team adopts idsync on a platform
// that already has users.
//
// The platform block is copied from the input manifest (same url, options and
// credential references, never a secret). Roles are named after the grant each holds
// ("ws-developer", "astro-system-admin", "astra-database-administrator"): one role per
// single grant, so a person can read them and recombine them; every user lists the
// roles whose union is exactly what they hold. Accounts a manifest cannot express
// without changing them (an expired invitation, a retired account with no grants, an
// unmanaged orgadmin member known only by id) are written as comments.
#pragma once

#include <string>

#include "config/manifest.h"
#include "core/users.h"

namespace idsync {

struct ExportOptions {
  std::string generated_at;  // "2026-11-29T10:45:23Z", written in the header comment
  bool partial = false;      // the platform cannot list everyone (orgadmin)
};

// REQUIRES: `live` is the platform's listing (grants in the platform's live form: ids
// where the platform uses ids; names are looked up in live.catalog).
std::string ExportManifest(const PlatformConfig& platform, const LiveState& live,
                           const ExportOptions& options);

}  // namespace idsync
