// The simulated SCIM provider's filter parsing and seed checking, without HTTP.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <variant>

#include "sim/scim/scim_state.h"
#include "sim/server.h"

namespace idsync::sim::scim {
namespace {

TEST_CASE("only userName eq filters are understood, with escapes") {
  struct Row { const char* filter; std::optional<std::string> value; };
  const Row rows[] = {
      {R"(userName eq "alice@acme.io")", "alice@acme.io"},
      {R"(USERNAME Eq "a@x.io")", "a@x.io"},
      {R"(userName eq "a\"b\\c")", R"(a"b\c)"},
      {R"(userName sw "a")", std::nullopt},
      {R"(displayName eq "a")", std::nullopt},
      {R"(userName eq "a" and active eq true)", std::nullopt},
      {R"(userName eq "unterminated)", std::nullopt},
  };
  for (const Row& row : rows) {
    CAPTURE(row.filter);
    CHECK(ParseUserNameFilter(row.filter) == row.value);
  }
  CHECK(ParseEqFilter(R"(value eq "u1")", "value") == "u1");
}

TEST_CASE("a bad scim seed is an error naming the entry and its line") {
  struct Row { const char* seed; const char* expected; };
  const Row rows[] = {
      {"scim:\n  users: []\n", "scim.credentials { token } is required"},
      {"scim:\n  credentials: { token: t }\n  users:\n    - { userName: a@x.io, groups: [Nope] }\n",
       "scim.users[0]: no group named \"Nope\""},
      {"scim:\n  credentials: { token: t }\n  users:\n    - { userName: a@x.io }\n    - { userName: A@x.io }\n",
       "userName A@x.io already exists"},
      {"scim:\n  credentials: { token: t }\n  config: { maxResults: many }\n", "maxResults must be an integer"},
      {"scim:\n  credentials: { token: t }\n  users:\n    - { userName: a@x.io, colour: red }\n", "colour"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.seed);
    auto created = SimServer::Create(row.seed, ServerOptions{});
    REQUIRE(std::holds_alternative<std::string>(created));
    CHECK(std::get<std::string>(created).find(row.expected) != std::string::npos);
  }
}

}  // namespace
}  // namespace idsync::sim::scim
