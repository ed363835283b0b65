// `explain`'s reasoning (config/explain.h): why a user is or is not on each platform.
#include <doctest/doctest.h>

#include "config/expiry.h"
#include "config/explain.h"
#include "config/resolve.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

const std::string kManifest = std::string(testing::kWorkspacePlatform) + R"(  sc:
    type: scim
    url: https://scim.example.com
    credentials: { token: { env: T } }
roles:
  dev: { ws: DEVELOPER }
  admin: { ws: ADMIN, sc: { groups: [ Admins ] } }
groups:
  eng: { groups: [ admins ], roles: [ dev ] }
  admins: { roles: [ admin ] }
users:
  - email: Alice@acme.io
    groups: [ { group: eng, expires: 2027-01-31 } ]
    roles: [ dev ]
)";

struct Fixture {
  Manifest manifest;
  std::map<std::string, DesiredUsers> desired;
  Fixture() {
    LoadResult r = LoadManifestFromStrings({{"m.yaml", kManifest}});
    for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
    REQUIRE(r.ok());
    manifest = std::move(*r.manifest);
    desired = ResolveDesired(manifest);
  }
};

const int64_t kBefore = *ParseExpiry("2027-01-01");
const int64_t kAfter = *ParseExpiry("2027-02-01");

TEST_CASE("a listed user: the chain through nested groups, the winner, what expires when") {
  Fixture f;
  const Explanation x = Explain(f.manifest, f.desired, ExplainInput{.email = " alice@ACME.io", .now = kBefore});
  CHECK(x.email == "alice@acme.io");
  CHECK(x.summary == "in the manifest");
  REQUIRE(x.platforms.size() == 2);
  const ExplainPlatform& sc = x.platforms[0];
  CHECK(sc.platform == "sc");
  CHECK(sc.desired);
  REQUIRE(sc.roles.size() == 1);
  CHECK(sc.roles[0].path == std::vector<std::string>{"eng", "admins"});
  CHECK(sc.roles[0].expires->text == "2027-01-31");
  CHECK(sc.roles[0].expires_what == "group eng");
  const ExplainPlatform& ws = x.platforms[1];
  CHECK(ws.verdict == "desired: an effective role binds ws");
  CHECK(ws.single_from == "admin");
  CHECK(ws.single_via == "eng > admins");
  REQUIRE(ws.upcoming.size() == 1);
  CHECK(*ws.upcoming[0].grants->single == "DEVELOPER");
  REQUIRE(ws.roles.size() == 2);
  CHECK(ws.roles[1].role == "dev");
  CHECK(ws.roles[1].path.empty());  // listed by the user, and never expires
  CHECK_FALSE(ws.roles[1].expires);
}

TEST_CASE("after the membership expires: off one platform, revoked on the other") {
  Fixture f;
  const Explanation x = Explain(f.manifest, f.desired, ExplainInput{.email = "alice@acme.io", .now = kAfter});
  CHECK(x.platforms[0].verdict == "not desired: expired 2027-01-31 (group eng)");
  CHECK_FALSE(x.platforms[0].desired);
  CHECK(x.platforms[0].roles[0].expired);
  CHECK(x.platforms[1].desired);
  CHECK(*x.platforms[1].grants->single == "DEVELOPER");
  CHECK(x.platforms[1].single_from.empty());
}

TEST_CASE("a user not in the manifest: managed and due for offboarding, unmanaged, or unknown") {
  Fixture f;
  ManagedAccount m;
  m.platform = "ws";
  m.email = "bob@acme.io";
  ExplainInput managed{.email = "bob@acme.io", .now = kBefore};
  managed.managed["ws"] = m;
  managed.journal.push_back({"ws", "invite", "succeeded", "", 1700000000});
  Explanation x = Explain(f.manifest, f.desired, managed);
  CHECK(x.summary == "not in the manifest; managed by idsync: due for offboarding");
  CHECK(x.platforms[1].verdict == "not in the manifest, managed by idsync: due for offboarding");
  CHECK(x.platforms[1].last_applied_at == 1700000000);

  ExplainInput unmanaged{.email = "carol@acme.io", .now = kBefore, .platforms = {"ws"}};
  LiveUser carol;
  unmanaged.live["ws"] = ExplainLive{"", carol, "offboarding: retire; unmanaged: ignore", {}};
  x = Explain(f.manifest, f.desired, unmanaged);
  REQUIRE(x.platforms.size() == 1);
  CHECK(x.summary == "not in the manifest; unmanaged");
  CHECK(x.platforms[0].verdict ==
        "not in the manifest and not managed by idsync: unmanaged (offboarding: retire; unmanaged: ignore)");

  x = Explain(f.manifest, f.desired, ExplainInput{.email = "dan@acme.io", .now = kBefore});
  CHECK(x.summary == "unknown: in neither the manifest nor the state");
}

}  // namespace
}  // namespace idsync
