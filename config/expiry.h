// `expires:` values and membership lists (SPEC §2). Nothing here reads the clock: the
// caller passes `now` (unix seconds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/manifest.h"
#include "config/yaml_read.h"

namespace idsync {

// The first instant (unix seconds) at which an `expires:` value no longer counts:
// "2027-01-31" is the end of that day UTC (the next midnight); an RFC 3339 timestamp
// with a zone ("2026-12-24T18:00:00Z", "…T18:00:00.5+02:00", 'T' or 't' or ' ') is its
// instant, fractions rounded up. nullopt: malformed (including a day the month lacks).
std::optional<int64_t> ParseExpiry(std::string_view text);

// An `expires:` value at `node`, or nullopt after a diagnostic there.
std::optional<Expiry> ReadExpiry(YamlReader& r, NodeId node);

// A `roles:` or `groups:` list. Each item is a name; with `allow_expiry`, also a
// mapping { KEY: NAME, expires: WHEN } where KEY is `key` ("role" or "group"). Bad
// items are reported and skipped.
// Names are interned in `names`.
std::vector<Membership> ReadMemberships(YamlReader& r, NodeId list, std::string_view key,
                                        bool allow_expiry, NamePool& names);

// The names of a membership list, in order.
std::vector<std::string> Names(const std::vector<Membership>& list);

// A warning per `expires:` of the manifest that has already passed at `now`:
// "FILE:LINE:COLUMN: warning: role db-admin of alice@acme.io expired 2027-01-31; remove
// the entry". In file order.
std::vector<Diagnostic> ExpiredWarnings(const Manifest& manifest, int64_t now);

}  // namespace idsync
