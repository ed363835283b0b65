// idsync at a terminal (SPEC §4), driven through a pseudo-terminal against idsync-sim:
// apply shows the plan and asks, and sends nothing unless the answer is "yes"; without
// a terminal nothing is asked. --auto-approve skips the question.
#include <doctest/doctest.h>

#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"
#include "tests/integration/pty.h"

namespace idsync::testing {
namespace {

const std::string kSeed = WsSeed(kBobBuilder, "k", "s");

const char* kPrompt = "Apply these changes? Only 'yes' will be accepted:";

struct Fixture {
  Sim sim{kSeed};
  TempDir dir;
  std::string manifest, state;
  std::map<std::string, std::string> env{{"WS_KEY", "k"}, {"WS_SECRET", "s"}};

  Fixture() {
    manifest = dir.Write("m.yaml", WsEngineers(sim, "  - { email: bob@acme.io, roles: [engineer] }\n"
                                                    "  - { email: new@acme.io, roles: [engineer] }\n"));
    state = dir.path() + "/state.db";
  }
  int Mutations() const { return sim.Counters()["workspace"].value("mutations", 0); }
  std::vector<std::string> Apply(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"apply", "-f", manifest, "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

}  // namespace

TEST_CASE("on a terminal apply shows the plan, asks, and applies on yes") {
  Fixture f;
  f.env["NO_COLOR"] = "1";
  PtyRun run = RunInPty(IDSYNC_BIN, f.Apply(), f.env, kPrompt, "yes");
  CAPTURE(run.output);
  CHECK(run.exit_code == 0);
  CHECK_FALSE(Has(run.output, "\033[3"));  // NO_COLOR: no colour anywhere
  REQUIRE(Has(run.output, kPrompt));
  CHECK(run.output.find("new@acme.io") < run.output.find(kPrompt));  // the plan came first
  CHECK(Has(run.output, "ws: 2 succeeded, 0 failed"));
  CHECK(f.Mutations() > 0);
  CHECK(Idsync({"plan", "-f", f.manifest, "--state", f.state, "--detailed-exitcode"}, f.env).exit_code == 0);
}

TEST_CASE("on a terminal any answer but yes sends nothing and exits 1") {
  for (const char* answer : {"no", "y", "YES", ""}) {
    CAPTURE(answer);
    Fixture f;
    PtyRun run = RunInPty(IDSYNC_BIN, f.Apply(), f.env, kPrompt, answer);
    CAPTURE(run.output);
    CHECK(run.exit_code == 1);
    CHECK(Has(run.output, "Apply cancelled"));
    CHECK(f.Mutations() == 0);
  }
}

TEST_CASE("--auto-approve applies on a terminal without asking") {
  Fixture f;
  PtyRun run = RunInPty(IDSYNC_BIN, f.Apply({"--auto-approve"}), f.env);
  CAPTURE(run.output);
  CHECK(run.exit_code == 0);
  CHECK_FALSE(Has(run.output, kPrompt));
  CHECK(Has(run.output, "\033[32m"));  // colour on a terminal without NO_COLOR
  CHECK(f.Mutations() > 0);
}

TEST_CASE("without a terminal on stdin nothing is asked and apply applies as before") {
  Fixture f;
  RunResult run = Idsync(f.Apply(), f.env);  // stdin is /dev/null
  CHECK(run.exit_code == 0);
  CHECK_FALSE(Has(run.out + run.err, kPrompt));
  CHECK(Has(run.out, "new@acme.io  DEVELOPER"));
  CHECK(f.Mutations() > 0);
}

}  // namespace idsync::testing

namespace idsync::testing {
namespace {

// Lines of the screen that show a progress line and a log line together.
std::vector<std::string> SharedLines(const std::string& raw) {
  std::vector<std::string> shared;
  for (const auto& line : ScreenLines(raw)) {
    const bool progress = line.find(" actions") != std::string::npos;
    const bool log = line.find(" info ") != std::string::npos || line.find(" warn ") != std::string::npos;
    if (progress && log) shared.push_back(line);
  }
  return shared;
}

std::string ManyUsers(const Sim& sim, int n) {
  std::string m = "version: 1\nplatforms:\n  ws:\n    type: workspace\n    url: " + sim.Url("/workspace/graphql") +
                  "\n    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }\n"
                  "roles:\n  engineer: { ws: DEVELOPER }\nusers:\n";
  for (int i = 0; i < n; ++i) m += "  - { email: user" + std::to_string(i) + "@acme.io, roles: [engineer] }\n";
  return m;
}

}  // namespace

TEST_CASE("the check sees a progress line and a log line written over each other") {
  // What the terminal showed before (issue 19): the log line continued the progress line.
  CHECK(SharedLines("\r\033[Kws: 5/6 actions2026-12-06T16:52:21.335 info ws: grant bob@acme.io: done\n").size() == 1);
  CHECK(SharedLines("\r\033[Kws: 5/6 actions\r\033[K2026-12-06T16:52:21.335 info ws: done\nws: 6/6 actions\n").empty());
}

TEST_CASE("on a terminal progress and log lines never share a line, and info logs need --log-level") {
  Fixture f;
  f.env["NO_COLOR"] = "1";
  f.dir.Write("m.yaml", ManyUsers(f.sim, 12));
  PtyRun loud = RunInPty(IDSYNC_BIN, f.Apply({"--auto-approve", "--log-level", "info"}), f.env);
  CAPTURE(loud.output);
  CHECK(loud.exit_code == 0);
  auto lines = ScreenLines(loud.output);
  int progress = 0, logs = 0;
  for (const auto& l : lines) {
    progress += l.find(" actions") != std::string::npos;
    logs += l.find(" info ") != std::string::npos;
  }
  CHECK(progress >= 1);  // the last progress line stays on screen
  CHECK(logs >= 12);     // one per invite
  CHECK(SharedLines(loud.output).empty());
  CHECK(Has(loud.output, "ws: 12 succeeded, 0 failed, 0 deferred, 0 held"));

  Fixture quiet_fixture;
  quiet_fixture.env["NO_COLOR"] = "1";
  quiet_fixture.dir.Write("m.yaml", ManyUsers(quiet_fixture.sim, 3));
  PtyRun quiet = RunInPty(IDSYNC_BIN, quiet_fixture.Apply({"--auto-approve"}), quiet_fixture.env);
  CAPTURE(quiet.output);
  CHECK(quiet.exit_code == 0);
  CHECK_FALSE(Has(quiet.output, " info "));  // quiet by default on a terminal
  CHECK(Has(quiet.output, "ws: 3 succeeded"));
}

TEST_CASE("after an apply on a terminal a failing platform is in the summary with its error") {
  Fixture f;
  f.env["WS_SECRET"] = "wrong";
  f.env["NO_COLOR"] = "1";
  PtyRun run = RunInPty(IDSYNC_BIN, f.Apply({"--auto-approve"}), f.env);
  CAPTURE(run.output);
  CHECK(run.exit_code == 1);
  CHECK(Has(run.output, "ws: not applied: workspace ws: list users: Invalid API key or secret."));
}

}  // namespace idsync::testing
