#include "core/platform.h"

#include <doctest/doctest.h>

namespace idsync {

TEST_CASE("the capability table of platforms/README.md derives the allowed offboarding") {
  struct Row {
    PlatformType type;
    bool retire_ok, remove_ok, unmanaged_remove_ok;
    Offboarding default_offboarding;
  };
  const Row rows[] = {
      {PlatformType::kHouston, true, true, true, Offboarding::kRetire},
      {PlatformType::kAstra, false, true, true, Offboarding::kRemove},
      {PlatformType::kOrgadmin, true, false, false, Offboarding::kRetire},
      {PlatformType::kWorkspace, true, false, false, Offboarding::kRetire},
      {PlatformType::kScim, true, true, true, Offboarding::kRetire},
  };
  for (const auto& r : rows) {
    CAPTURE(PlatformTypeName(r.type));
    CHECK(!OffboardingUnsupported(r.type, Offboarding::kRetire).has_value() == r.retire_ok);
    CHECK(!OffboardingUnsupported(r.type, Offboarding::kRemove).has_value() == r.remove_ok);
    CHECK(!UnmanagedUnsupported(r.type, UnmanagedPolicy::kRemove).has_value() ==
          r.unmanaged_remove_ok);
    CHECK(DefaultOffboarding(r.type) == r.default_offboarding);
  }
}

TEST_CASE("the refusal names the platform type and what it cannot do") {
  auto msg = OffboardingUnsupported(PlatformType::kAstra, Offboarding::kRetire);
  REQUIRE(msg);
  CHECK(msg->find("astra") != std::string::npos);
  CHECK(msg->find("cannot retire") != std::string::npos);
}

TEST_CASE("workspace account types rank in the documented privilege order") {
  CHECK(*SingleRank(PlatformType::kWorkspace, "ADMIN") == 0);
  CHECK(*SingleRank(PlatformType::kWorkspace, "DEVELOPER") <
        *SingleRank(PlatformType::kWorkspace, "ANALYST"));
  CHECK_FALSE(SingleRank(PlatformType::kWorkspace, "developer").has_value());
  CHECK(*ScopedRank(PlatformType::kHouston, "WORKSPACE_ADMIN") <
        *ScopedRank(PlatformType::kHouston, "WORKSPACE_VIEWER"));
  CHECK(*SingleRank(PlatformType::kOrgadmin, "admin") < *SingleRank(PlatformType::kOrgadmin, "user"));
}

TEST_CASE("platform type names round-trip") {
  for (auto t : AllPlatformTypes()) CHECK(ParsePlatformType(PlatformTypeName(t)) == t);
  CHECK_FALSE(ParsePlatformType("github").has_value());
}

TEST_CASE("what generic code asks of a platform type is a capability, not a type switch") {
  // Grants that are platform ids (roles, groups) are shown by name in plans.
  CHECK(CapabilitiesOf(PlatformType::kAstra).grants_by_id);
  CHECK(CapabilitiesOf(PlatformType::kScim).grants_by_id);
  CHECK_FALSE(CapabilitiesOf(PlatformType::kWorkspace).grants_by_id);
  CHECK_FALSE(CapabilitiesOf(PlatformType::kHouston).grants_by_id);
  CHECK_FALSE(CapabilitiesOf(PlatformType::kOrgadmin).grants_by_id);
  // Only orgadmin cannot read role and status: adopting sends them, and they are re-asserted.
  for (PlatformType t : AllPlatformTypes())
    CHECK(CapabilitiesOf(t).grants_write_only == (t == PlatformType::kOrgadmin));
}

}  // namespace idsync
