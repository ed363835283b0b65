// Exclusive appliers: a second Lock is refused at once naming the holder, or waits.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "state/store.h"
#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

using testing::TempDir;
using namespace std::chrono_literals;

std::unique_ptr<Store> MustOpen(const std::string& path) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(*store);
}

TEST_CASE("a second applier is refused at once with the holder named") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto first = MustOpen(path);
  auto second = MustOpen(path);
  StatusOr<std::unique_ptr<StoreLock>> held = first->Lock("astro", {"replica-a", 0ms});
  REQUIRE_MESSAGE(held.ok(), held.status().ToString());
  CHECK((*held)->held());

  StatusOr<std::unique_ptr<StoreLock>> refused = second->Lock("astro", {"replica-b", 0ms});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  const std::string message = refused.status().message();
  CAPTURE(message);
  CHECK(message.find("lock") != std::string::npos);
  CHECK(message.find("replica-a") != std::string::npos);
  CHECK(message.find("pid " + std::to_string(::getpid())) != std::string::npos);
  CHECK(message.find("--lock-timeout") != std::string::npos);

  held->reset();
  StatusOr<std::unique_ptr<StoreLock>> now_free = second->Lock("astro", {"replica-b", 0ms});
  CHECK_MESSAGE(now_free.ok(), now_free.status().ToString());
}

TEST_CASE("one store's locks share the file lock until the last is released") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto store = MustOpen(path);
  auto other = MustOpen(path);
  auto astro = store->Lock("astro", {"a", 0ms});
  auto houston = store->Lock("houston", {"a", 0ms});
  REQUIRE(astro.ok());
  REQUIRE(houston.ok());
  astro->reset();
  CHECK_FALSE(other->Lock("scim", {"b", 0ms}).ok());  // still held through houston
  houston->reset();
  CHECK(other->Lock("scim", {"b", 0ms}).ok());
}

TEST_CASE("with a timeout a second applier waits and gets the lock once it is released") {
  TempDir dir;
  const std::string path = dir.File("state.db");
  auto first = MustOpen(path);
  auto second = MustOpen(path);
  auto held = first->Lock("astro", {"replica-a", 0ms});
  REQUIRE(held.ok());
  std::atomic<bool> done{false};
  StatusOr<std::unique_ptr<StoreLock>> waited = Unavailable("not run");
  std::thread waiter([&] {
    waited = second->Lock("astro", {"replica-b", 60s});
    done = true;
  });
  CHECK_FALSE(done.load());  // cannot have returned: the lock is still held
  held->reset();
  waiter.join();
  CHECK_MESSAGE(waited.ok(), waited.status().ToString());
}

}  // namespace
}  // namespace idsync
