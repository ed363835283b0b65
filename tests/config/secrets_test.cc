// Reading credentials: environment variables and files, errors that never show values.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/loader.h"
#include "config/secrets.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;

PlatformConfig WithSecret(SecretRef ref) {
  PlatformConfig p;
  p.name = "ws";
  p.credentials["api_key"] = std::move(ref);
  return p;
}

TEST_CASE("an environment variable is read, and its absence named without a value") {
  const char* kVar = "IDSYNC_CONFIG_TEST_KEY";
  PlatformConfig p = WithSecret(SecretRef{SecretRef::Kind::kEnv, kVar, "", {}});
  ::setenv(kVar, "s3cret-value\n", 1);
  auto value = ReadSecret(p, "api_key");
  REQUIRE(value.ok());
  CHECK(*value == "s3cret-value");

  ::setenv(kVar, "", 1);
  auto empty = ReadSecret(p, "api_key");
  CHECK(empty.status().message() ==
        "platform ws: credentials.api_key: environment variable IDSYNC_CONFIG_TEST_KEY is empty");

  ::unsetenv(kVar);
  auto unset = ReadSecret(p, "api_key");
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().message() ==
        "platform ws: credentials.api_key: environment variable IDSYNC_CONFIG_TEST_KEY is not set");
  CHECK(ReadSecret(p, "api_secret").status().message() ==
        "platform ws: credentials.api_secret: not configured in the manifest");
}

TEST_CASE("a relative secret file is found next to the manifest and its newline stripped") {
  const fs::path dir = fs::temp_directory_path() / ("idsync-secrets-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "secrets");
  std::ofstream(dir / "m.yaml") << "version: 1\nplatforms:\n  ws:\n    type: workspace\n"
                                   "    url: https://ws.example.com\n"
                                   "    credentials:\n      api_key: { file: secrets/key }\n"
                                   "      api_secret: { file: secrets/missing }\n";
  std::ofstream(dir / "secrets/key") << "file-s3cret\r\n";
  LoadResult r = LoadManifest({(dir / "m.yaml").string()});
  REQUIRE(r.ok());
  const PlatformConfig& ws = r.manifest->platforms.at("ws");
  CHECK(ws.credentials.at("api_key").resolved == (dir / "secrets/key").string());

  auto value = ReadSecret(ws, "api_key");
  REQUIRE(value.ok());
  CHECK(*value == "file-s3cret");
  auto missing = ReadSecret(ws, "api_secret");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "platform ws: credentials.api_secret: cannot read file " +
                                          (dir / "secrets/missing").string() +
                                          ": No such file or directory");
  std::ofstream(dir / "secrets/key") << "\n";
  CHECK(ReadSecret(ws, "api_key").status().message() ==
        "platform ws: credentials.api_key: file " + (dir / "secrets/key").string() + " is empty");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace idsync
