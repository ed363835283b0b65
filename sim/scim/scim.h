// The `scim` platform of idsync-sim (../shared/platforms/scim.md). Not simulated yet:
// a seed section for it is an error that says so.
#pragma once

#include <memory>

#include "sim/platform.h"

namespace idsync::sim {

std::unique_ptr<Platform> MakeScimPlatform();

}  // namespace idsync::sim
