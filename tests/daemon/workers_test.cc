// The worker threads on a virtual clock: time only moves when every worker thread is
// waiting, so the test sees exactly when each platform reconciles, without sleeping.
#include "daemon/run/workers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace idsync {
namespace {

using std::chrono::milliseconds;

class VirtualTime {
 public:
  LoopEnv Env() {
    return LoopEnv{[this] { return now(); }, [this] { return NextUniform(); },
                   [this](std::unique_lock<std::mutex>& lock, std::condition_variable& cv, SteadyTime) {
                     auto id = std::this_thread::get_id();
                     {
                       std::lock_guard g(mu_);
                       parked_[id] = generation_;
                     }
                     cv.wait(lock);
                     std::lock_guard g(mu_);
                     parked_.erase(id);
                   }};
  }
  SteadyTime now() {
    std::lock_guard g(mu_);
    return now_;
  }
  milliseconds elapsed() {
    return std::chrono::duration_cast<milliseconds>(now() - SteadyTime());
  }
  // Waits (in real time, bounded) until `threads` workers wait at the current time, then
  // moves the clock by `step` and wakes them.
  void Advance(Workers& workers, milliseconds step, std::size_t threads) {
    for (int i = 0; !Quiet(threads); ++i) {
      REQUIRE(i < 50'000);  // 5 s of real time
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    {
      std::lock_guard g(mu_);
      now_ += step;
      ++generation_;
    }
    workers.Wake();
  }
  void Quiesce(std::size_t threads) {
    for (int i = 0; !Quiet(threads); ++i) {
      REQUIRE(i < 50'000);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  double uniform = 0.5;

 private:
  bool Quiet(std::size_t threads) {
    std::lock_guard g(mu_);
    if (parked_.size() != threads) return false;
    for (const auto& [id, gen] : parked_)
      if (gen != generation_) return false;
    return true;
  }
  double NextUniform() {
    std::lock_guard g(mu_);
    return uniform;
  }
  std::mutex mu_;
  SteadyTime now_{};
  uint64_t generation_ = 0;
  std::map<std::thread::id, uint64_t> parked_;
};

struct Calls {
  std::mutex mu;
  std::map<std::string, std::vector<milliseconds>> at;
  void Record(const std::string& p, milliseconds t) {
    std::lock_guard g(mu);
    at[p].push_back(t);
  }
  std::vector<milliseconds> Of(const std::string& p) {
    std::lock_guard g(mu);
    return at[p];
  }
};

std::vector<milliseconds> Gaps(const std::vector<milliseconds>& times) {
  std::vector<milliseconds> gaps;
  for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
  return gaps;
}

ScheduleConfig Config() {
  ScheduleConfig c;
  c.interval = milliseconds(60'000);
  return c;
}

}  // namespace

TEST_CASE("a failing platform backs off alone while the other keeps its interval") {
  VirtualTime clock;
  Calls calls;
  Workers workers(Config(), clock.Env(), [&](const std::string& p) {
    calls.Record(p, clock.elapsed());
    return p != "bad";
  });
  workers.Add("good");
  workers.Add("bad");
  for (int i = 0; i < 3'000; ++i) clock.Advance(workers, milliseconds(100), 2);  // 300 s

  std::vector<milliseconds> good = calls.Of("good");
  REQUIRE(good.size() >= 5);
  CHECK(good.front() == milliseconds(0));
  for (auto gap : Gaps(good)) CHECK(gap == milliseconds(60'000));

  std::vector<milliseconds> bad = calls.Of("bad");
  CHECK(bad.front() == milliseconds(0));
  std::vector<milliseconds> want = {milliseconds(1'000), milliseconds(2'000), milliseconds(4'000),
                                    milliseconds(8'000), milliseconds(16'000), milliseconds(32'000),
                                    milliseconds(60'000), milliseconds(60'000)};
  std::vector<milliseconds> gaps = Gaps(bad);
  gaps.resize(std::min(gaps.size(), want.size()));
  CHECK(gaps == want);
  workers.Stop();
  CHECK(workers.WaitStopped(milliseconds(5'000)));
}

TEST_CASE("jitter keeps every wait within ±10% of the interval") {
  for (double u : {0.0, 0.999}) {
    CAPTURE(u);
    VirtualTime clock;
    clock.uniform = u;
    Calls calls;
    Workers workers(Config(), clock.Env(), [&](const std::string& p) {
      calls.Record(p, clock.elapsed());
      return true;
    });
    workers.Add("p");
    for (int i = 0; i < 2'000; ++i) clock.Advance(workers, milliseconds(100), 1);
    auto gaps = Gaps(calls.Of("p"));
    REQUIRE(gaps.size() >= 2);
    for (auto gap : gaps) {
      CHECK(gap >= milliseconds(54'000));
      CHECK(gap <= milliseconds(66'100));  // + one clock step
    }
    CHECK(gaps.front() == (u == 0.0 ? milliseconds(54'000) : milliseconds(66'000)));
  }
}

TEST_CASE("a burst of triggers makes one reconcile per platform, at once") {
  VirtualTime clock;
  Calls calls;
  Workers workers(Config(), clock.Env(), [&](const std::string& p) {
    calls.Record(p, clock.elapsed());
    return true;
  });
  workers.Add("a");
  workers.Add("b");
  for (int i = 0; i < 100; ++i) clock.Advance(workers, milliseconds(10), 2);  // t = 1 s
  clock.Quiesce(2);
  workers.TriggerAll();
  workers.Trigger("a");
  clock.Advance(workers, milliseconds(10), 2);
  workers.Trigger("a");
  workers.TriggerAll();
  for (int i = 0; i < 100; ++i) clock.Advance(workers, milliseconds(10), 2);  // t = 2 s
  // The first reconcile when added (t = 0), then the burst's at once (within one 10 ms
  // clock step). Each later one is right behind the one before (a trigger landed while
  // it ran), else not sooner than 250 ms after it began; triggers that land while one is
  // already due add nothing, so the burst never makes more reconciles than triggers
  // ("a" had 4, "b" 2). How many land while a reconcile runs depends on when the worker
  // thread wakes, so the count is a bound.
  const std::map<std::string, std::size_t> triggers = {{"a", 4}, {"b", 2}};
  for (const char* p : {"a", "b"}) {
    const std::vector<milliseconds> got = calls.Of(p);
    REQUIRE(got.size() >= 2);
    CHECK(got.size() <= 1 + triggers.at(p));
    CHECK(got[0] == milliseconds(0));
    CHECK(got[1] <= milliseconds(1'010));
    for (std::size_t i = 2; i < got.size(); ++i)
      CHECK((got[i] == got[i - 1] || got[i] >= got[i - 1] + milliseconds(250)));
  }
}

TEST_CASE("changes arriving during a reconcile make exactly one reconcile right after it") {
  VirtualTime clock;
  Calls calls;
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool hold = false, inside = false;
  Workers workers(Config(), clock.Env(), [&](const std::string& p) {
    calls.Record(p, clock.elapsed());
    std::unique_lock lock(gate_mu);
    if (hold) {  // the reconcile of the first change runs until the test lets it end
      inside = true;
      gate_cv.notify_all();
      gate_cv.wait_for(lock, milliseconds(5'000), [&] { return !hold; });
    }
    return true;
  });
  workers.Add("p");
  for (int i = 0; i < 100; ++i) clock.Advance(workers, milliseconds(10), 1);  // t = 1 s
  clock.Quiesce(1);
  {
    std::lock_guard lock(gate_mu);
    hold = true;
  }
  workers.TriggerAll();  // the first change
  {
    std::unique_lock lock(gate_mu);
    REQUIRE(gate_cv.wait_for(lock, milliseconds(5'000), [&] { return inside; }));
  }
  workers.TriggerAll();  // a second change, and a third, while it runs
  workers.TriggerAll();
  {
    std::lock_guard lock(gate_mu);
    hold = false;
  }
  gate_cv.notify_all();
  clock.Quiesce(1);
  // Right behind it (no time passed), once for both changes; then the interval.
  CHECK(calls.Of("p") == std::vector<milliseconds>{milliseconds(0), milliseconds(1'000),
                                                   milliseconds(1'000)});
  for (int i = 0; i < 5'990; ++i) clock.Advance(workers, milliseconds(10), 1);  // t = 60.9 s
  CHECK(calls.Of("p").size() == 3);
  for (int i = 0; i < 10; ++i) clock.Advance(workers, milliseconds(10), 1);  // t = 61 s
  clock.Quiesce(1);
  CHECK(calls.Of("p").back() == milliseconds(61'000));
  workers.Stop();
  CHECK(workers.WaitStopped(milliseconds(5'000)));
}

TEST_CASE("a platform stuck in a reconcile does not hold up another") {
  VirtualTime clock;
  Calls calls;
  std::atomic<bool> release{false};
  Workers workers(Config(), clock.Env(), [&](const std::string& p) {
    calls.Record(p, clock.elapsed());
    if (p == "stuck")
      while (!release) std::this_thread::sleep_for(milliseconds(1));
    return true;
  });
  workers.Add("stuck");
  workers.Add("free");
  for (int i = 0; i < 1'300; ++i) clock.Advance(workers, milliseconds(100), 1);  // 130 s
  CHECK(calls.Of("stuck").size() == 1);
  CHECK(calls.Of("free").size() == 3);  // 0, 60 s, 120 s
  release = true;
  workers.Stop();
  CHECK(workers.WaitStopped(milliseconds(5'000)));
}

TEST_CASE("after Stop no reconcile starts, and the running one is waited for") {
  VirtualTime clock;
  std::atomic<int> started{0};
  std::atomic<bool> release{false};
  Workers workers(Config(), clock.Env(), [&](const std::string&) {
    ++started;
    while (!release) std::this_thread::sleep_for(milliseconds(1));
    return true;
  });
  workers.Add("p");
  while (started == 0) std::this_thread::sleep_for(milliseconds(1));
  workers.Stop();
  workers.TriggerAll();
  CHECK_FALSE(workers.WaitStopped(milliseconds(50)));
  release = true;
  CHECK(workers.WaitStopped(milliseconds(5'000)));
  CHECK(started == 1);
  workers.Add("q");  // ignored once stopping
  CHECK(workers.Timings().count("q") == 0);
}

}  // namespace idsync
