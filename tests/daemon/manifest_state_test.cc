// The daemon's manifest: a broken edit keeps the last valid manifest in force and is
// reported with FILE:LINE:COLUMN errors.
#include "daemon/run/manifest_state.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "tests/support/temp_dir.h"

namespace idsync {
namespace {

const char* kValid = R"(version: 1
platforms:
  ws:
    type: workspace
    url: http://127.0.0.1:1/workspace/graphql
    credentials: { api_key: { env: K }, api_secret: { env: S } }
roles:
  dev: { ws: DEVELOPER }
users:
  - { email: a@x.io, roles: [dev] }
)";

}  // namespace

TEST_CASE("a manifest that stops validating keeps the last valid one in force") {
  testing::TempDir dir;
  std::string file = dir.Write("idsync.yaml", kValid);
  ManifestState state({file});
  CHECK(state.Current() == nullptr);
  REQUIRE(state.Reload() == ReloadResult::kChanged);
  auto first = state.Current();
  REQUIRE(first);
  CHECK(state.valid());
  CHECK(first->desired.at("ws").count("a@x.io") == 1);

  CHECK(state.Reload() == ReloadResult::kUnchanged);

  std::string broken = kValid;
  broken.replace(broken.find("roles: [dev]"), 12, "rolez: [dev]");
  dir.Write("idsync.yaml", broken);
  CHECK(state.Reload() == ReloadResult::kInvalid);
  CHECK_FALSE(state.valid());
  CHECK(state.Current() == first);
  REQUIRE(state.errors().size() == 1);
  CHECK(state.errors()[0].starts_with(file + ":10:22: "));

  dir.Write("idsync.yaml", std::string(kValid) + "  - { email: b@x.io, roles: [dev] }\n");
  CHECK(state.Reload() == ReloadResult::kChanged);
  CHECK(state.valid());
  CHECK(state.errors().empty());
  CHECK(state.Current()->desired.at("ws").count("b@x.io") == 1);
}

TEST_CASE("a half-written manifest is never current") {
  testing::TempDir dir;
  std::string file = dir.Write("idsync.yaml", std::string(kValid).substr(0, 60));
  ManifestState state({file});
  CHECK(state.Reload() == ReloadResult::kInvalid);
  CHECK(state.Current() == nullptr);
  CHECK_FALSE(state.errors().empty());
}

}  // namespace idsync

namespace idsync {

TEST_CASE("a loaded manifest carries the Git commit it was read from, read once per load") {
  testing::TempDir dir;
  std::string file = dir.Write("repo/idsync.yaml", kValid);
  const std::string repo = dir.File("repo");
  const std::string git = "git -C '" + repo + "' ";
  REQUIRE(std::system((git + "init -q && " + git + "add -A && " + git +
                       "-c user.name=t -c user.email=t@x.io commit -qm m").c_str()) == 0);
  std::string head(40, '\0');
  FILE* out = popen((git + "rev-parse HEAD").c_str(), "r");
  REQUIRE(out != nullptr);
  head.resize(std::fread(head.data(), 1, head.size(), out));
  pclose(out);
  REQUIRE(head.size() == 40);

  ManifestState state({file});
  REQUIRE(state.Reload() == ReloadResult::kChanged);
  CHECK(state.Current()->commit == head);

  ManifestState outside({dir.Write("plain/idsync.yaml", kValid)});
  REQUIRE(outside.Reload() == ReloadResult::kChanged);
  CHECK(outside.Current()->commit.empty());
}

}  // namespace idsync
