// The doctest main of every test program. Like idsync's own main, it creates spdlog's
// default logger before any thread starts: spdlog builds its registry on first use,
// and tests that log first from worker threads would otherwise race on that (TSan).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  spdlog::default_logger();
  return doctest::Context(argc, argv).run();
}
