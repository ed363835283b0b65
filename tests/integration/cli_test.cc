// The command line's promises (SPEC §4) with the real binary: common flags before or
// after the command, JSON logs, the environment, stdout carrying only results, and
// credentials never printed even at trace level.
#include <doctest/doctest.h>

#include <sstream>
#include <sys/stat.h>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

const std::string kSeed = WsSeed(kBobBuilder, "PLANTED-KEY-7f3a", "PLANTED-SECRET-c91e");

std::string Manifest(const Sim& sim) {
  return WsHead(sim) +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  admin: { ws: ADMIN }\n"
         "users:\n"
         "  - { email: bob@acme.io, roles: [admin] }\n"
         "  - { email: new@acme.io, roles: [engineer] }\n";
}

}  // namespace

TEST_CASE("credentials never appear in output, logs or the state DB, even at trace level") {
  Sim sim(kSeed);
  TempDir dir;
  std::string manifest = dir.Write("m.yaml", Manifest(sim));
  std::string state = dir.path() + "/state.db";
  std::map<std::string, std::string> env{{"WS_KEY", "PLANTED-KEY-7f3a"}, {"WS_SECRET", "PLANTED-SECRET-c91e"}};
  std::string everything;
  for (auto args : std::vector<std::vector<std::string>>{
           {"plan", "-f", manifest, "--state", state, "--log-level", "trace"},
           {"plan", "-f", manifest, "--state", state, "--format", "json", "--log-level", "trace"},
           {"plan", "-f", manifest, "--state", state, "--format", "markdown", "--log-level", "trace"},
           {"apply", "-f", manifest, "--state", state, "--log-level", "trace", "--log-format", "json"},
           {"history", "--state", state},
           {"status", "--state", state, "--format", "json"}}) {
    RunResult r = Idsync(args, env);
    CAPTURE(args[0]);
    CHECK(r.exit_code == 0);
    everything += r.out + r.err;
  }
  // A failing run: the platform refuses the key.
  env["WS_SECRET"] = "PLANTED-WRONG-SECRET-55";
  RunResult failing = Idsync({"apply", "-f", manifest, "--state", state, "--log-level", "trace"}, env);
  CHECK(failing.exit_code == 1);
  everything += failing.out + failing.err;
  for (const char* suffix : {"", "-wal", "-shm"}) everything += dir.Read(std::string("state.db") + suffix);
  CHECK(Has(everything, "new@acme.io"));  // the search does see what was written
  for (const char* secret : {"PLANTED-KEY-7f3a", "PLANTED-SECRET-c91e", "PLANTED-WRONG-SECRET-55"}) {
    CAPTURE(secret);
    CHECK_FALSE(Has(everything, secret));
  }
}

TEST_CASE("common flags go before or after the command, and JSON logs are one object a line") {
  Sim sim(kSeed);
  TempDir dir;
  std::string manifest = dir.Write("m.yaml", Manifest(sim));
  std::map<std::string, std::string> env{{"WS_KEY", "PLANTED-KEY-7f3a"}, {"WS_SECRET", "PLANTED-SECRET-c91e"},
                                         {"IDSYNC_STATE", dir.path() + "/env.db"}};
  RunResult before = Idsync({"--log-format", "json", "--log-level", "debug", "apply", "-f", manifest}, env);
  RunResult after = Idsync({"plan", "-f", manifest, "--log-format", "json", "--log-level", "info"}, env);
  REQUIRE(before.exit_code == 0);
  REQUIRE(after.exit_code == 0);
  std::istringstream lines(before.err + after.err);
  std::string line;
  int parsed = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);  // throws (fails the test) on a non-JSON line
    CHECK(j.contains("level"));
    CHECK(j.contains("msg"));
    ++parsed;
  }
  CHECK(parsed > 0);
  struct stat st {};
  REQUIRE(stat((dir.path() + "/env.db").c_str(), &st) == 0);  // IDSYNC_STATE was used
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(Has(after.out, "No changes"));
}

TEST_CASE("stdout carries only the plan, so JSON output parses") {
  Sim sim(kSeed);
  TempDir dir;
  std::string manifest = dir.Write("m.yaml", Manifest(sim));
  RunResult r = Idsync({"plan", "-f", manifest, "--state", dir.path() + "/s.db", "--format", "json",
                        "--log-level", "debug"},
                       {{"WS_KEY", "PLANTED-KEY-7f3a"}, {"WS_SECRET", "PLANTED-SECRET-c91e"}});
  REQUIRE(r.exit_code == 0);
  auto plan = nlohmann::json::parse(r.out);
  CHECK(plan["format_version"] == 2);
  CHECK(plan["platforms"][0]["platform"] == "ws");
  CHECK_FALSE(r.err.empty());  // the logs went to stderr
}

TEST_CASE("bad flags are errors with exit code 1") {
  CHECK(Idsync({"plan"}).exit_code == 1);  // -f is required
  CHECK(Idsync({"plan", "-f", "x.yaml", "--format", "yaml"}).exit_code == 1);
  CHECK(Idsync({"version", "--log-level", "loud"}).exit_code == 1);
  RunResult missing = Idsync({"validate", "-f", "does-not-exist.yaml"});
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.err, "does-not-exist.yaml"));
}

}  // namespace idsync::testing

namespace idsync::testing {

#ifdef IDSYNC_JEMALLOC
// daemon/allocator.cc: the binary allocates through jemalloc, which reads the settings
// compiled in (one arena) without a complaint, and the environment's after.
TEST_CASE("the binary runs on jemalloc with its settings, and MALLOC_CONF still tunes it") {
  RunResult r = Idsync({"version"}, {{"MALLOC_CONF", "confirm_conf:true"}});
  CHECK(r.exit_code == 0);
  CHECK(Has(r.err, "global variable malloc_conf): \"narenas:1\""));
  CHECK(Has(r.err, "Set conf value: narenas:1"));
  CHECK(Has(r.err, "Set conf value: confirm_conf:true"));
  CHECK_FALSE(Has(r.err, "Invalid conf"));
  // Without the environment's request, jemalloc says nothing at all.
  RunResult quiet = Idsync({"version"});
  CHECK(quiet.exit_code == 0);
  CHECK_FALSE(Has(quiet.err, "<jemalloc>"));
}

// daemon/cli/heap.h: the commands that hold whole platforms put the heap on huge
// pages and hand back what loading the manifest freed; validate does neither.
TEST_CASE("plan and apply put the heap on huge pages and return freed pages, validate does not") {
  Sim sim(kSeed);
  TempDir dir;
  std::string manifest = dir.Write("m.yaml", Manifest(sim));
  std::string state = dir.path() + "/state.db";
  std::map<std::string, std::string> env{{"WS_KEY", "PLANTED-KEY-7f3a"}, {"WS_SECRET", "PLANTED-SECRET-c91e"}};
  const std::string line = "the heap is advised as transparent huge pages";
  const std::string returned = "kB of freed pages returned to the kernel";
  for (const char* command : {"plan", "apply"}) {
    CAPTURE(command);
    RunResult r = Idsync({command, "-f", manifest, "--state", state, "--log-level", "debug"}, env);
    CHECK(r.exit_code == 0);
    CHECK(Has(r.err, line));
    CHECK(Has(r.err, returned));
  }
  RunResult validate = Idsync({"validate", "-f", manifest, "--log-level", "debug"});
  CHECK(validate.exit_code == 0);
  CHECK_FALSE(Has(validate.err, line));
  CHECK_FALSE(Has(validate.err, returned));
}
#endif

}  // namespace idsync::testing
