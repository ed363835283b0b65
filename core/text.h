// Small text rules shared by every layer: email identity, durations, secrets.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace idsync {

// Identity is the email, trimmed and compared case-insensitively (ASCII lowercase).
std::string NormalizeEmail(std::string_view email);
std::string Trim(std::string_view s);

// "250ms", "30s", "5m", "1h": an integer and a unit (ms, s, m, h). nullopt otherwise.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);
// A command-line duration: ParseDuration's forms, or whole days ("90d", "7d") for the
// flags whose natural unit is days (--retention, --expiring-within). Manifest durations
// stay ParseDuration's (SPEC §2).
std::optional<std::chrono::milliseconds> ParseDurationOrDays(std::string_view text);
std::string FormatDuration(std::chrono::milliseconds d);  // "30s", "250ms", "5m"

// The one way a secret is shown anywhere (logs, errors, plans, journal): it keeps
// none of the value. Returns "(redacted)" for any non-empty value, "" for "".
std::string Redact(std::string_view secret);

}  // namespace idsync
