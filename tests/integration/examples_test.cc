// The README quick start's manifest (examples/manifest/) against idsync-sim seeded like
// scripts/quickstart does: one apply converges all five platforms, and a second apply
// sends no mutating request to any of them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/harness.h"

namespace idsync::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const fs::path kExamples = fs::path(IDSYNC_SOURCE_DIR) / "examples";
const char* kPlatforms[] = {"workspace", "houston", "astra", "orgadmin", "scim"};

}  // namespace

TEST_CASE("the quick start converges all five platforms, and a second apply sends nothing") {
  std::string seed = ReadFile(kExamples / "sim-seed.yaml");
  for (const char* p : {"houston", "astra", "orgadmin", "scim"})
    seed += ReadFile(kExamples / ("sim-seed." + std::string(p) + ".yaml"));
  Sim sim(seed);
  TempDir dir;
  // The example's files, pointed at this simulator's port instead of the quick start's.
  for (const auto& entry : fs::recursive_directory_iterator(kExamples / "manifest")) {
    if (!entry.is_regular_file()) continue;
    std::string text = ReadFile(entry.path());
    for (auto at = text.find("http://127.0.0.1:18089"); at != std::string::npos;
         at = text.find("http://127.0.0.1:18089", at))
      text.replace(at, 22, sim.Url(""));
    dir.Write("manifest/" + fs::relative(entry.path(), kExamples / "manifest").string(), text);
  }
  const std::map<std::string, std::string> env{
      {"WS_API_KEY", "sim-key"},          {"WS_API_SECRET", "sim-secret"},
      {"HOUSTON_API_KEY", "sim-houston-key"}, {"ASTRA_TOKEN", "AstraCS:sim-token"},
      {"ORG_TOKEN", "sim-org-token"},     {"SCIM_TOKEN", "sim-token"}};
  const std::vector<std::string> args = {"-f", dir.path() + "/manifest", "--state", dir.path() + "/state.db"};
  auto run = [&](std::vector<std::string> command) {
    command.insert(command.end(), args.begin(), args.end());
    return Idsync(command, env);
  };

  RunResult first = run({"apply"});
  INFO(first.out, first.err);
  REQUIRE(first.exit_code == 0);
  const nlohmann::json after_first = sim.Counters();
  for (const char* p : kPlatforms) {
    CAPTURE(p);
    CHECK(after_first[p].value("mutations", 0) > 0);  // every platform had work to do
  }
  RunResult plan = run({"plan", "--detailed-exitcode"});
  INFO(plan.out);
  CHECK(plan.exit_code == 0);  // converged (a deferred grant is not a change)
  RunResult second = run({"apply"});
  REQUIRE(second.exit_code == 0);
  const nlohmann::json after_second = sim.Counters();
  for (const char* p : kPlatforms) {
    CAPTURE(p);
    CHECK(after_second[p].value("mutations", 0) == after_first[p].value("mutations", 0));
  }
}

}  // namespace idsync::testing
