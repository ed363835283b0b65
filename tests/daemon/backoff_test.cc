// The daemon's worker loop over the process Env's narrow view (LoopEnvOf) with a fake
// steady clock: no sleep, the clock moves only when the test says.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "daemon/run/workers.h"
#include "tests/support/fake_env.h"

namespace idsync {

TEST_CASE("the daemon's backoff doubles from 1 s to the interval") {
  std::unique_ptr<Env> system = SystemEnv();
  testing::FakeEnv env(*system);  // Uniform() is 0.5: jitter factor exactly 1
  ScheduleConfig config;
  config.interval = std::chrono::seconds(10);
  config.first_backoff = std::chrono::seconds(1);
  std::atomic<int> calls{0};
  Workers workers(config, LoopEnvOf(env), [&](const std::string&) {
    ++calls;
    return false;  // every reconcile fails
  });
  workers.Add("ws");
  std::vector<long> waits;  // seconds from a failure to the next reconcile
  for (int failure = 1; failure <= 6; ++failure) {
    REQUIRE(env.AwaitParks(failure));  // the worker failed and waits again
    CHECK(calls.load() == failure);
    auto timing = workers.Timings().at("ws");
    CHECK(timing.failures == failure);
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(timing.due - env.SteadyNow());
    waits.push_back(static_cast<long>(wait.count()));
    env.Advance(wait);
    workers.Wake();
  }
  CHECK(waits == std::vector<long>{1, 2, 4, 8, 10, 10});
  workers.Stop();
  CHECK(workers.WaitStopped(std::chrono::seconds(10)));
}

}  // namespace idsync
