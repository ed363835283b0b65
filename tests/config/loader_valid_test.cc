// Valid manifests: every field parsed into the Manifest value, files and directories,
// the digest.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include "config/expiry.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const std::string kFixtures = std::string(IDSYNC_SOURCE_DIR) + "/tests/fixtures/manifests";

// A fresh empty directory under the system temp dir, removed on destruction.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("idsync-config-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

// Runs the enclosing scope in `dir`, restoring the working directory after.
struct InDir {
  fs::path saved = fs::current_path();
  explicit InDir(const fs::path& dir) { fs::current_path(dir); }
  ~InDir() { fs::current_path(saved); }
};

Grants Single(std::string s) { return Grants{std::move(s), {}, {}}; }
Grants Set(std::set<std::string> s) { return Grants{std::nullopt, {}, std::move(s)}; }

TEST_CASE("the all-types fixture loads into the values it spells out") {
  const std::string file = kFixtures + "/all-types.yaml";
  LoadResult r = LoadManifest({file});
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  const Manifest& m = *r.manifest;
  CHECK(m.files == std::vector<std::string>{file});
  CHECK(m.platforms.size() == 5);

  const PlatformConfig& astro = m.platforms.at("astro");
  CHECK(astro.name == "astro");
  CHECK(astro.type == PlatformType::kHouston);
  CHECK(astro.url == "https://houston.example.com/v1");
  CHECK(astro.credentials.at("api_key").kind == SecretRef::Kind::kEnv);
  CHECK(astro.credentials.at("api_key").name == "HOUSTON_API_KEY");
  CHECK(astro.offboarding == Offboarding::kRemove);
  CHECK(astro.unmanaged == UnmanagedPolicy::kReport);
  CHECK(astro.max_removals == RemovalLimit{false, 5});
  CHECK(astro.rate_limit == RateLimit{10, "10/s"});
  CHECK(astro.concurrency == 4);
  CHECK(astro.timeout == milliseconds(30'000));
  CHECK(astro.ca_file == (fs::path(kFixtures) / "certs/corp-ca.pem").lexically_normal().string());
  CHECK_FALSE(astro.insecure_http);
  CHECK(astro.mark == SourceMark{file, 5, 3});

  const PlatformConfig& astra = m.platforms.at("astra");
  CHECK(astra.org == "00000000-0000-0000-0000-000000000000");
  CHECK(astra.max_removals == RemovalLimit{true, 10});
  CHECK(astra.offboarding == Offboarding::kRemove);

  const PlatformConfig& flux = m.platforms.at("fluxweave");
  CHECK(flux.type == PlatformType::kOrgadmin);
  CHECK(flux.org == "6F9619FF-8B86-D011-B42D-00C04FC964FF");
  const SecretRef& token = flux.credentials.at("token");
  CHECK(token.kind == SecretRef::Kind::kFile);
  CHECK(token.name == "secrets/orgadmin-token");
  CHECK(token.resolved == (fs::path(kFixtures) / "secrets/orgadmin-token").string());
  CHECK(flux.reassert_interval == milliseconds(12 * 3'600'000));
  CHECK(flux.rate_limit == RateLimit{10, "600/m"});
  CHECK(flux.offboarding == Offboarding::kRetire);  // the default where it can retire

  const PlatformConfig& ws = m.platforms.at("ws");  // defaults
  CHECK(ws.offboarding == Offboarding::kRetire);
  CHECK(ws.unmanaged == UnmanagedPolicy::kIgnore);
  CHECK_FALSE(ws.max_removals.has_value());
  CHECK_FALSE(ws.rate_limit.has_value());
  CHECK(ws.concurrency == 8);
  CHECK(ws.timeout == milliseconds(30'000));
  CHECK(m.platforms.at("scimapp").rate_limit == RateLimit{1, "3600/h"});

  const Role& admin = m.roles.at("platform-admin");
  CHECK(admin.bindings.at("astro") ==
        Grants{"SYSTEM_ADMIN", {{"ckws1", "WORKSPACE_ADMIN"}}, {}});
  CHECK(admin.bindings.at("astra") == Set({"Organization Administrator"}));
  CHECK(admin.bindings.at("fluxweave") ==
        Grants{"admin", {}, {"0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11"}});
  CHECK(admin.bindings.at("ws") == Single("ADMIN"));
  CHECK(admin.bindings.at("scimapp") == Grants{});
  const Role& engineer = m.roles.at("data-engineer");
  CHECK(engineer.bindings.at("astro") == Grants{std::nullopt, {{"ckws1", "WORKSPACE_EDITOR"}}, {}});
  CHECK(engineer.bindings.at("scimapp") == Set({"Engineering"}));
  CHECK(engineer.bindings.count("fluxweave") == 0);
  CHECK(m.roles.at("viewer").bindings.empty());
  CHECK(m.groups.at("data-team").roles == std::vector<std::string>{"data-engineer"});

  REQUIRE(m.users.size() == 4);
  const User& alice = m.users[0];
  CHECK(alice.email == "alice@acme.io");
  CHECK(alice.email_as_written == "Alice@Acme.io");
  CHECK(alice.name == "Alice Liddell");
  CHECK(alice.given_name == "Alice");
  CHECK(alice.family_name == "Liddell");
  CHECK(Names(alice.groups) == std::vector<std::string>{"data-team"});
  CHECK(Names(alice.roles) == std::vector<std::string>{"platform-admin"});
  CHECK_FALSE(alice.suspended);
  CHECK(alice.external_id == "E1234");
  CHECK(alice.mark == SourceMark{file, 64, 5});
  CHECK(m.users[1].email_as_written == "bob@acme.io");
  CHECK(m.users[1].suspended);
  CHECK_FALSE(m.users[2].name.has_value());
  CHECK(m.digest.size() == 64);
}

TEST_CASE("a directory is read recursively in path order, other and hidden files ignored") {
  const std::string dir = kFixtures + "/split";
  LoadResult r = LoadManifest({dir});
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  CHECK(r.manifest->files == std::vector<std::string>{
                                 dir + "/platforms.yaml", dir + "/roles.yaml",
                                 dir + "/users/team-a.yaml", dir + "/users/team-b.yml"});
  REQUIRE(r.manifest->users.size() == 2);
  CHECK(r.manifest->users[0].email == "alice@acme.io");
  CHECK(r.manifest->users[1].email == "bob@acme.io");
  CHECK(r.manifest->roles.at("engineer").bindings.size() == 2);

  // A file given both alone and through its directory is read once.
  LoadResult twice = LoadManifest({dir + "/roles.yaml", dir});
  REQUIRE(twice.ok());
  CHECK(twice.manifest->files == r.manifest->files);
  CHECK(twice.manifest->digest == r.manifest->digest);
}

TEST_CASE("relative paths stay relative in files and diagnostics") {
  TempDir tmp("relative");
  tmp.Write("good/m.yaml", "version: 1\n");
  tmp.Write("bad/m.yml", "version: 1\nextra: true\n");
  InDir in(tmp.path);
  LoadResult good = LoadManifest({"good"});
  REQUIRE(good.ok());
  CHECK(good.manifest->files == std::vector<std::string>{"good/m.yaml"});
  std::vector<std::string> errors;
  for (const auto& d : LoadManifest({"bad", "missing.yaml"}).diagnostics) errors.push_back(ToString(d));
  CHECK(errors == std::vector<std::string>{
                      "bad/m.yml:2:1: unknown key \"extra\"; expected one of: version, platforms, "
                      "roles, groups, users",
                      "missing.yaml:1:1: cannot read file: No such file or directory"});
}

TEST_CASE("a directory without manifest files is an error") {
  TempDir tmp("empty");
  tmp.Write("notes.txt", "hello");
  std::vector<std::string> errors;
  for (const auto& d : LoadManifest({tmp.path.string()}).diagnostics) errors.push_back(ToString(d));
  CHECK(errors == std::vector<std::string>{tmp.path.string() +
                                           ":1:1: no *.yaml or *.yml files in directory"});
}

TEST_CASE("the digest covers every file's path and bytes") {
  const testing::Files a = {{"a.yaml", "version: 1\n"}, {"b.yaml", "version: 1\nusers: []\n"}};
  const std::string digest = LoadManifestFromStrings(a).manifest->digest;
  CHECK(digest.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(LoadManifestFromStrings({a[1], a[0]}).manifest->digest == digest);  // order given
  CHECK(LoadManifestFromStrings({{"a.yaml", "version: 1\n"}, {"b.yaml", "version: 1\nusers: [ ]\n"}})
            .manifest->digest != digest);
  CHECK(LoadManifestFromStrings({{"a.yaml", "version: 1\n"}, {"c.yaml", "version: 1\nusers: []\n"}})
            .manifest->digest != digest);
  CHECK(LoadManifestFromStrings(a).manifest->files == std::vector<std::string>{"a.yaml", "b.yaml"});
}

TEST_CASE("a manifest with errors carries no value") {
  LoadResult r = LoadManifestFromStrings({{"m.yaml", "version: 1\nusers: 3\n"}});
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.manifest.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0] == Diagnostic{SourceMark{"m.yaml", 2, 8}, "expected a sequence, got a string"});
}

}  // namespace
TEST_CASE("a tiny manifest whose text fits the small-string buffer is read correctly") {
  // The scalars here total under 16 bytes; the tree is moved after parsing.
  LoadResult r = LoadManifestFromStrings(
      {{"tiny.yaml", "version: 1\nplatforms:\n  p:\n    type: astra\n    url: https://a.io\n"
                     "    credentials: { token: { env: T } }\n    offboarding: remove\nroles:\n  r: { p: [ x ] }\n"}});
  REQUIRE(r.ok());
  CHECK(r.manifest->roles.size() == 1);
  CHECK(r.manifest->roles.count("r") == 1);
  LoadResult bad = LoadManifestFromStrings({{"t.yaml", "version: 1\nroles:\n  r: [ p ]\n"}});
  CHECK_FALSE(bad.ok());
}

}  // namespace idsync
