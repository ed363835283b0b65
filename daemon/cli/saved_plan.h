// Saved plans (SPEC §4): `plan --out FILE` writes one, `apply --plan FILE` applies it.
//
// The file is JSON: {"saved_plan_version": 1, "idsync_version", "manifest_digest",
// "platforms": [{"platform", "type", "live_fingerprint"}], "plan": <the JSON plan of
// reconcile/PLAN_FORMAT.md>}. It holds no secrets (a plan holds none).
//
// A saved plan is applied only when everything it was made from still holds: the same
// idsync version, the same selected platforms, the same manifest digest, each
// platform's live users unchanged (LiveFingerprint), and the plan made now from those
// equal to the saved one action for action (so a changed state DB is refused too).
// Held and apply dispositions compare equal, so `--allow-removals` releases held
// removals of a saved plan as it does in a fresh apply.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/manifest.h"
#include "core/status.h"
#include "daemon/apply/prepare.h"

namespace idsync {

// The file's text. REQUIRES: no prepared platform has a plan error.
std::string SavedPlanJson(const Manifest& manifest, const std::vector<PreparedPlatform>& prepared,
                          const std::string& version);

// Reads and parses FILE; an error names the file and what is wrong with it.
StatusOr<nlohmann::json> ReadSavedPlan(const std::string& path);

// Checks that the version, the platforms and the manifest match, before anything is
// listed. FailedPrecondition with a message for the operator otherwise.
Status CheckSavedPlanMade(const nlohmann::json& saved, const Manifest& manifest,
                          const std::vector<const PlatformConfig*>& selected, const std::string& version);

// Checks the listings and the plans made now against the saved ones. A message
// containing "stale" says which platform changed and how.
Status CheckSavedPlanLive(const nlohmann::json& saved, const std::vector<PreparedPlatform>& prepared);

}  // namespace idsync
