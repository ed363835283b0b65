// What `apply` prints after it ran (daemon/cli/summary.h): the per-platform lines of
// the reviewed apply and the totals line every apply ends with.
#include "daemon/cli/summary.h"

#include <doctest/doctest.h>

#include <vector>

namespace idsync {
namespace {

std::vector<PlatformOutcome> TwoPlatforms() {
  std::vector<PlatformOutcome> outcomes(2);
  outcomes[0].plan.platform = "ws";
  outcomes[0].succeeded = 2;
  outcomes[0].deferred = 1;
  Action bob;
  bob.platform = "ws";
  bob.email = "bob@acme.io";
  bob.verb = Verb::kInvite;
  outcomes[0].failures.push_back(ActionFailure{bob, Unavailable("HTTP 503")});
  outcomes[1].plan.platform = "app";
  outcomes[1].succeeded = 1;
  outcomes[1].held = 3;
  return outcomes;
}

TEST_CASE("the totals line adds up every platform") {
  CHECK(ApplyTotals(TwoPlatforms()) == "Apply complete: 3 succeeded, 1 failed, 1 deferred, 3 held.\n");
  CHECK(ApplyTotals({}) == "Apply complete: 0 succeeded, 0 failed, 0 deferred, 0 held.\n");
}

TEST_CASE("the reviewed apply's summary: a line per platform, its failures, then the totals") {
  CHECK(ApplySummary(TwoPlatforms(), /*color=*/false) ==
        "ws: 2 succeeded, 1 failed, 1 deferred, 0 held\n"
        "  ! invite bob@acme.io: HTTP 503\n"
        "app: 1 succeeded, 0 failed, 0 deferred, 3 held\n"
        "Apply complete: 3 succeeded, 1 failed, 1 deferred, 3 held.\n");
}

}  // namespace
}  // namespace idsync
