// The per-platform schedule, driven with explicit times: no clock, no sleeping.
#include "daemon/run/schedule.h"

#include <doctest/doctest.h>

#include <vector>

namespace idsync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const SteadyTime kT0 = SteadyTime() + std::chrono::hours(1);

ScheduleConfig Config(milliseconds interval = milliseconds(60'000)) {
  ScheduleConfig c;
  c.interval = interval;
  return c;
}

milliseconds Wait(const Schedule& s, SteadyTime from) {
  return std::chrono::duration_cast<milliseconds>(s.due() - from);
}

}  // namespace

TEST_CASE("a platform is due at once when it starts") {
  Schedule s(Config());
  s.Start(kT0);
  CHECK(s.due() == kT0);
}

TEST_CASE("after a success the next reconcile is one interval away within ±10%") {
  struct Case {
    const char* name;
    double uniform;
    milliseconds want;
  };
  Case cases[] = {
      {"lowest jitter", 0.0, milliseconds(54'000)},
      {"no jitter", 0.5, milliseconds(60'000)},
      {"highest jitter", 0.999999, milliseconds(65'999)},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    Schedule s(Config());
    s.Start(kT0);
    s.Began(kT0);
    s.Finished(kT0, true, c.uniform);
    CHECK(Wait(s, kT0) == c.want);
    CHECK(Wait(s, kT0) >= milliseconds(54'000));
    CHECK(Wait(s, kT0) <= milliseconds(66'000));
  }
}

TEST_CASE("a failing platform backs off from 1 s, doubling up to the interval") {
  Schedule s(Config(milliseconds(20'000)));
  SteadyTime now = kT0;
  s.Start(now);
  std::vector<milliseconds> waits;
  for (int i = 0; i < 7; ++i) {
    s.Began(now);
    s.Finished(now, false, 0.5);  // no jitter
    waits.push_back(Wait(s, now));
    now = s.due();
  }
  std::vector<milliseconds> want = {milliseconds(1'000), milliseconds(2'000), milliseconds(4'000),
                                    milliseconds(8'000), milliseconds(16'000), milliseconds(20'000),
                                    milliseconds(20'000)};
  CHECK(waits == want);
  CHECK(s.failures() == 7);

  s.Began(now);
  s.Finished(now, true, 0.5);
  CHECK(s.failures() == 0);
  CHECK(Wait(s, now) == milliseconds(20'000));
  const auto next = s.due();  // Began makes due() "never" until Finished
  s.Began(next);
  s.Finished(next, false, 0.5);
  CHECK(s.BackoffFor(1) == milliseconds(1'000));
}

TEST_CASE("backoff waits carry the same ±10% jitter") {
  Schedule s(Config());
  s.Start(kT0);
  for (int i = 0; i < 3; ++i) {
    s.Began(kT0);
    s.Finished(kT0, false, 0.0);
  }
  CHECK(Wait(s, kT0) == milliseconds(3'600));  // 4 s - 10%
  s.Began(kT0);
  s.Finished(kT0, false, 1.0);
  CHECK(Wait(s, kT0) == milliseconds(8'800));  // 8 s + 10%
}

TEST_CASE("a trigger is acted on at once; triggers before it began make no extra reconcile") {
  Schedule s(Config());
  s.Start(kT0);
  s.Began(kT0);
  s.Finished(kT0, true, 0.5);
  SteadyTime t = kT0 + seconds(10);
  s.Trigger(t);
  CHECK(s.due() == t);  // no coalescing window in front of the first trigger
  s.Trigger(t);
  CHECK(s.due() == t);
  s.Began(t);
  s.Finished(t + milliseconds(30), true, 0.5);
  CHECK(Wait(s, t + milliseconds(30)) == milliseconds(60'000));  // one reconcile consumed both
}

TEST_CASE("triggers right after a reconcile began are coalesced behind it") {
  Schedule s(Config());
  s.Start(kT0);
  s.Began(kT0);
  s.Finished(kT0 + milliseconds(20), true, 0.5);
  s.Trigger(kT0 + milliseconds(50));
  CHECK(s.due() == kT0 + milliseconds(250));  // the window after the reconcile that began
  s.Trigger(kT0 + milliseconds(100));
  s.Trigger(kT0 + milliseconds(200));
  CHECK(s.due() == kT0 + milliseconds(250));  // one reconcile for the whole burst
  s.Trigger(kT0 + milliseconds(260));
  CHECK(s.due() == kT0 + milliseconds(250));  // never later
}

TEST_CASE("a trigger never delays a reconcile that is already due sooner") {
  Schedule s(Config());
  s.Start(kT0);
  s.Trigger(kT0 + milliseconds(10));
  CHECK(s.due() == kT0);
}

TEST_CASE("a trigger during a reconcile makes the platform due again right after it") {
  Schedule s(Config());
  s.Start(kT0);
  s.Began(kT0);
  CHECK(s.running());
  s.Trigger(kT0 + seconds(1));
  s.Finished(kT0 + seconds(5), true, 0.5);
  CHECK(s.due() == kT0 + seconds(5));  // the trigger's window has passed: at once
  s.Began(s.due());
  s.Trigger(kT0 + seconds(5) + milliseconds(10));
  s.Trigger(kT0 + seconds(6));
  s.Finished(kT0 + milliseconds(6'100), true, 0.5);
  CHECK(s.due() == kT0 + milliseconds(6'100));  // right after: no window behind a reconcile
  s.Began(s.due());
  s.Finished(kT0 + milliseconds(6'200), true, 0.5);
  CHECK(Wait(s, kT0 + milliseconds(6'200)) == milliseconds(60'000));  // both in one
}

TEST_CASE("a trigger on a failing platform retries before its backoff ends") {
  Schedule s(Config());
  s.Start(kT0);
  for (int i = 0; i < 5; ++i) {
    s.Began(kT0);
    s.Finished(kT0, false, 0.5);
  }
  CHECK(Wait(s, kT0) == milliseconds(16'000));
  s.Trigger(kT0 + seconds(1));
  CHECK(s.due() == kT0 + seconds(1));
}

}  // namespace idsync
