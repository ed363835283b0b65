// `idsync explain EMAIL` (SPEC §4): why one person is or is not on each platform. A
// pure function of data the command gathers (manifest, state, and with --live the
// listing and the plan); printing is daemon/cli/cmd_explain.cc's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "core/users.h"

namespace idsync {

// One journal entry about the user (state/store.h JournalEntry, reduced).
struct ExplainJournal {
  std::string platform, action, status, error;
  int64_t at = 0;  // unix seconds (last update)
};

// What the platform says now (--live), for one platform.
struct ExplainLive {
  std::string error;                 // non-empty: the listing or plan failed
  std::optional<LiveUser> user;      // nullopt: not on the platform
  std::string policy;                // "offboarding: retire; unmanaged: ignore"
  std::vector<std::string> plan;     // this user's planned actions, as plan lines
};

// One effective role that binds the platform.
struct ExplainRole {
  std::string role;
  std::vector<std::string> path;  // groups from the user's own group down; empty: listed by the user
  std::string grants;             // the role's binding here, as text
  std::optional<Expiry> expires;  // when it stops counting for this user
  std::string expires_what;       // "user", "role X", "group G"
  bool expired = false;
};

struct ExplainPlatform {
  std::string platform;
  std::string verdict;  // one sentence: why the user is or is not desired here
  bool desired = false; // as of now
  std::vector<ExplainRole> roles;
  std::optional<Grants> grants;          // desired now, manifest form
  std::string single_from, single_via;   // the role that won a single-valued grant
  std::vector<ExpiryStep> upcoming;      // expiries still ahead
  std::optional<ManagedRecord> managed;  // what idsync last applied (state)
  int64_t last_applied_at = 0;           // newest succeeded journal entry here; 0: none
  std::optional<ExplainLive> live;       // --live
};

struct Explanation {
  std::string email;                  // normalised
  std::optional<SourceMark> listed;   // where the manifest lists the user
  bool suspended = false;
  std::optional<Expiry> expires;      // the whole user
  // "in the manifest", "not in the manifest; managed by idsync: due for offboarding",
  // "not in the manifest; unmanaged", or "unknown: in neither the manifest nor the state"
  std::string summary;
  std::vector<ExplainPlatform> platforms;
  std::vector<ExplainJournal> journal;  // newest first
};

struct ExplainInput {
  std::string email{};  // as given; normalised here
  int64_t now = 0;      // unix seconds
  std::vector<std::string> platforms{};  // selected instance names; empty: every one
  std::map<std::string, ManagedRecord> managed{};   // platform -> this user's record
  std::vector<ExplainJournal> journal{};            // this user's entries, newest first
  std::map<std::string, ExplainLive> live{};        // --live: platform -> what it says
};

// REQUIRES: `desired` is ResolveDesired(manifest).
Explanation Explain(const Manifest& manifest, const std::map<std::string, DesiredUsers>& desired,
                    const ExplainInput& input);

}  // namespace idsync
