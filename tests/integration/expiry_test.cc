// `expires:` end to end (SPEC §2, §5): plan lists what expires soon, validate warns
// about what already expired, and `idsync run` acts at the instant with no manifest
// change — the real binary against the real idsync-sim.
#include <doctest/doctest.h>

#include <ctime>

#include "tests/integration/daemon_process.h"
#include "tests/integration/platform_fixture.h"
#include "tests/support/text.h"

namespace idsync::testing {
namespace {

const std::string kSeed = WsSeed(kBobBuilder);

// RFC 3339 UTC of `unix_seconds`.
std::string Rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Manifest(const Sim& sim, const std::string& users) {
  return WsHead(sim) +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "  admin: { ws: ADMIN }\n"
         "users:\n" + users;
}

std::string AccountType(const Sim& sim, const std::string& email) {
  const nlohmann::json state = sim.State();  // held: the loop must not outlive it
  for (const auto& u : state["workspace"]["users"])
    if (u["email"] == email) return u["accountType"];
  return "";
}

}  // namespace

TEST_CASE("plan lists what expires within the horizon; validate warns about what has expired") {
  Sim sim(kSeed);
  TempDir dir;
  const std::string soon = Rfc3339(NowUnix() + 3 * 86400);
  std::string manifest = dir.Write(
      "m.yaml", Manifest(sim, "  - email: bob@acme.io\n"
                              "    roles: [ engineer, { role: admin, expires: " + soon + " } ]\n"
                              "  - { email: old@acme.io, expires: 2020-01-31, roles: [ engineer ] }\n"));
  const std::string state = dir.path() + "/state.db";
  RunResult plan = Idsync({"plan", "-f", manifest, "--state", state}, kWsEnv);
  INFO(plan.out, plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(Has(plan.out, "  expiring soon:\n    bob@acme.io: role admin expires " + soon));
  CHECK_FALSE(Has(plan.out, "old@acme.io"));  // expired: as if deleted, never invited
  RunResult narrow = Idsync({"plan", "-f", manifest, "--state", state, "--expiring-within", "2d",
                             "--format", "json"}, kWsEnv);
  CHECK(narrow.exit_code == 0);
  CHECK(Has(narrow.out, "\"expiring\": []"));
  CHECK(Has(narrow.out, "\"format_version\": 2"));

  RunResult validate = Idsync({"validate", "-f", manifest});
  INFO(validate.err);
  CHECK(validate.exit_code == 0);
  CHECK(Has(validate.err, manifest + ":15:36: warning: user old@acme.io expired 2020-01-31; remove the entry"));
}

TEST_CASE("the daemon revokes a membership at its expiry instant with no manifest change") {
  Sim sim(kSeed);
  TempDir dir;
  const int64_t at = NowUnix() + 6;
  std::string manifest = dir.Write(
      "m.yaml", Manifest(sim, "  - email: bob@acme.io\n"
                              "    roles: [ engineer, { role: admin, expires: " + Rfc3339(at) + " } ]\n"));
  DaemonProcess d(dir, {"-f", manifest, "--state", dir.path() + "/state.db", "--interval", "1h"}, kWsEnv);
  const bool granted = Eventually([&] { return AccountType(sim, "bob@acme.io") == "ADMIN"; });
  INFO(d.Stderr());
  REQUIRE(granted);
  // Once the first reconcile is reported, status and metrics name the next expiry.
  CHECK(Eventually([&] { return d.PlatformStatus("ws")["next_expiry"] == at; }));
  auto metrics = d.Get("/metrics");
  REQUIRE(metrics);
  const std::string gauge = "idsync_next_expiry_timestamp_seconds{platform=\"ws\"} ";
  const auto pos = metrics->body.find(gauge);
  REQUIRE(pos != std::string::npos);
  CHECK(std::stod(metrics->body.substr(pos + gauge.size())) == static_cast<double>(at));

  // The interval is an hour: only the expiry wake-up can make this change.
  CHECK(Eventually([&] { return AccountType(sim, "bob@acme.io") == "DEVELOPER"; },
                   std::chrono::milliseconds(30'000)));
  CHECK(Eventually([&] { return d.PlatformStatus("ws")["next_expiry"].is_null(); }));
  CHECK(Has(d.Stderr(), "ws: reconcile changes"));
}

}  // namespace idsync::testing
