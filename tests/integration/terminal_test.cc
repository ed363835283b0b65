// idsync at a terminal (SPEC §4), driven through a pseudo-terminal against idsync-sim:
// apply shows the plan and asks, and sends nothing unless the answer is "yes"; without
// a terminal nothing is asked. --auto-approve skips the question.
#include <doctest/doctest.h>

#include "tests/integration/harness.h"
#include "tests/integration/pty.h"

namespace idsync::testing {
namespace {

const char* kSeed = R"(
workspace:
  credentials: { api_key: k, api_secret: s }
  users:
    - { email: bob@acme.io, name: Bob Builder, accountType: DEVELOPER }
)";

const char* kPrompt = "Apply these changes? Only 'yes' will be accepted:";

struct Fixture {
  Sim sim{kSeed};
  TempDir dir;
  std::string manifest, state;
  std::map<std::string, std::string> env{{"WS_KEY", "k"}, {"WS_SECRET", "s"}};

  Fixture() {
    manifest = dir.Write("m.yaml", "version: 1\n"
                                   "platforms:\n"
                                   "  ws:\n"
                                   "    type: workspace\n"
                                   "    url: " + sim.Url("/workspace/graphql") + "\n"
                                   "    credentials: { api_key: { env: WS_KEY }, api_secret: { env: WS_SECRET } }\n"
                                   "roles:\n"
                                   "  engineer: { ws: DEVELOPER }\n"
                                   "users:\n"
                                   "  - { email: bob@acme.io, roles: [engineer] }\n"
                                   "  - { email: new@acme.io, roles: [engineer] }\n");
    state = dir.path() + "/state.db";
  }
  int Mutations() const { return sim.Counters()["workspace"].value("mutations", 0); }
  std::vector<std::string> Apply(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"apply", "-f", manifest, "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

bool Has(const std::string& s, const std::string& n) { return s.find(n) != std::string::npos; }

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
