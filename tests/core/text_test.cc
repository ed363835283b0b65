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
  CHECK(FormatDuration(std::chrono::milliseconds(1500)) == "1500ms");
}

TEST_CASE("a redacted secret keeps none of the value") {
  CHECK(Redact("hunter2-secret") == "(redacted)");
  CHECK(Redact("").empty());
}

}  // namespace idsync
