// The seed file: sections per platform, strict keys, and errors that say where.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "sim/seed.h"
#include "sim/server.h"

namespace idsync::sim {
namespace {

std::string CreateError(const std::string& seed) {
  auto created = SimServer::Create(seed, ServerOptions{});
  REQUIRE_MESSAGE(std::holds_alternative<std::string>(created), "seed accepted: " << seed);
  return std::get<std::string>(created);
}

TEST_CASE("an empty seed and the documented example are accepted") {
  CHECK(std::holds_alternative<std::unique_ptr<SimServer>>(SimServer::Create("", ServerOptions{})));
  std::ifstream in(std::string(IDSYNC_SOURCE_DIR) + "/examples/sim-seed.yaml");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto created = SimServer::Create(text.str(), ServerOptions{});
  if (auto* error = std::get_if<std::string>(&created)) FAIL("example seed rejected: " << *error);
}

TEST_CASE("bad seeds are rejected with a message that says why and where") {
  struct Case {
    const char* name;
    const char* seed;
    const char* message;
  };
  const Case cases[] = {
      {"unknown section", "jira: {}\n", "seed: unknown section \"jira\" (expected houston, astra, orgadmin, workspace or scim) (line 1)"},
      {"not a map", "- workspace\n", "seed: the top level must be a map of platform sections (line 1)"},
      {"unknown workspace key", "workspace:\n  credentials: {api_key: k, api_secret: s}\n  groups: []\n",
       "seed: workspace: unknown key \"groups\" (line 3)"},
      {"missing credentials", "workspace:\n  users: []\n", "seed: workspace.credentials { api_key, api_secret } is required (line 2)"},
      {"bad account type",
       "workspace:\n  credentials: {api_key: k, api_secret: s}\n  users:\n    - {email: a@x.io, accountType: BOSS}\n",
       "seed: workspace.users[0]: accountType must be a UserAccountType value, got \"BOSS\" (line 4)"},
      {"duplicate user",
       "workspace:\n  credentials: {api_key: k, api_secret: s}\n  users:\n    - {email: a@x.io, accountType: ADMIN}\n"
       "    - {email: A@x.io, accountType: ADMIN}\n",
       "seed: workspace.users[1]: A@x.io is already an active user. (line 5)"},
      {"bad uid",
       "workspace:\n  credentials: {api_key: k, api_secret: s}\n  users:\n    - {email: a@x.io, accountType: ADMIN, uid: XYZ}\n",
       "seed: workspace.users[0]: uid must be 64 lowercase hex characters (line 4)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(CreateError(c.seed) == c.message);
  }
}

TEST_CASE("YAML syntax errors carry the line") {
  CHECK(CreateError("workspace: [\n").find("(line ") != std::string::npos);
}

}  // namespace
}  // namespace idsync::sim
