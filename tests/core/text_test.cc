#include "core/text.h"

#include <doctest/doctest.h>

namespace idsync {

TEST_CASE("emails are trimmed and lowercased") {
  CHECK(NormalizeEmail("  Alice@ACME.io \t") == "alice@acme.io");
}

TEST_CASE("durations are an integer with ms, s, m or h") {
  CHECK(ParseDuration("250ms")->count() == 250);
  CHECK(ParseDuration("30s")->count() == 30'000);
  CHECK(ParseDuration("5m")->count() == 300'000);
  CHECK(ParseDuration("2h")->count() == 7'200'000);
  for (const char* bad : {"", "s", "1.5s", "10", "10d", "-1s", " 1s", "1 s"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
  CHECK(FormatDuration(std::chrono::milliseconds(300'000)) == "5m");
}

TEST_CASE("command-line durations also take whole days; manifest ones do not") {
  CHECK(ParseDurationOrDays("90d")->count() == 90LL * 86'400'000);
  CHECK(ParseDurationOrDays("7d")->count() == 7LL * 86'400'000);
  CHECK(ParseDurationOrDays("12h")->count() == 12LL * 3'600'000);
  for (const char* bad : {"", "d", "1.5d", "-1d", "d7", "7 d"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDurationOrDays(bad).has_value());
  }
  CHECK_FALSE(ParseDuration("7d").has_value());
  CHECK(FormatDuration(std::chrono::milliseconds(1500)) == "1500ms");
}

TEST_CASE("a redacted secret keeps none of the value") {
  CHECK(Redact("hunter2-secret") == "(redacted)");
  CHECK(Redact("").empty());
}

}  // namespace idsync
