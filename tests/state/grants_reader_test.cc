// DecodeGrants reads stored grants without a JSON tree; it must accept exactly what the
// tree reader it replaced accepted, with the same values and the same error messages.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "state/codec.h"

namespace idsync {
namespace {

using nlohmann::json;

// The reader before issue 17's: a nlohmann::json tree per text, then get<>() per part.
StatusOr<Grants> TreeDecode(const std::string& text) {
  try {
    const json in = json::parse(text);
    if (!in.is_object()) throw std::invalid_argument("grants are not a JSON object");
    Grants grants;
    if (auto it = in.find("single"); it != in.end()) grants.single = it->get<std::string>();
    if (auto it = in.find("scoped"); it != in.end()) {
      grants.scoped = it->get<std::map<std::string, std::string>>();
    }
    if (auto it = in.find("set"); it != in.end()) grants.set = it->get<std::set<std::string>>();
    return grants;
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("stored grants: ") + e.what());
  }
}

void CheckSame(const std::string& text) {
  CAPTURE(text);
  const StatusOr<Grants> want = TreeDecode(text);
  const StatusOr<Grants> got = DecodeGrants(text);
  REQUIRE(got.ok() == want.ok());
  if (want.ok()) {
    CHECK(*got == *want);
  } else {
    CHECK(got.status().code() == StatusCode::kInvalidArgument);
    CHECK(got.status().message() == want.status().message());
  }
}

TEST_CASE("stored grants read alike without a tree: values, and errors word for word") {
  const std::vector<std::string> cases = {
      // What EncodeGrants writes.
      "{}", R"({"single":"DEVELOPER"})", R"({"single":""})",
      R"({"scoped":{"ws1":"WORKSPACE_EDITOR","ws2":"X"},"set":["a","b"],"single":"SYSTEM_ADMIN"})",
      R"({"set":["g1"]})", R"({"scoped":{"a":"b"}})",
      // Escapes, UTF-8 and whitespace.
      R"({"single":"A\"B"})", R"({"single":"caf\u00e9 \ud83d\ude42"})", "{\"single\":\"Zo\xc3\xab\"}",
      " { \"single\" : \"x\" , \"set\" : [ \"b\" , \"a\" ] }\n", R"({"single":"a\\b\/c\n"})",
      // Not the written shape but accepted: unknown keys (any value), repeats (the last
      // counts), duplicates in a set, empty parts, another order.
      R"({"single":"x","y":"z"})", R"({"other":{"single":5,"set":[1,{"a":[]}]},"single":"s"})",
      R"({"single":1,"single":"two"})", R"({"single":"one","single":"two"})",
      R"({"set":["b","a","b"]})", R"({"scoped":{},"set":[]})", R"({"scoped":{"w":"A","w":"B"}})",
      R"({"scoped":{"w":1,"w":"B"}})", R"({"scoped":5,"scoped":{"w":"B"}})", R"({"set":"a","set":["a"]})",
      R"({"set":["a"],"scoped":{"w":"x"},"single":"s"})",
      // Wrong types: each part, and which error wins.
      R"({"single":7})", R"({"single":null})", R"({"single":true})", R"({"single":1.5})",
      R"({"single":-3})", R"({"single":["a"]})", R"({"single":{"a":"b"}})", R"({"single":"a","single":2})",
      R"({"scoped":"a"})", R"({"scoped":["a"]})", R"({"scoped":{"w":1}})", R"({"scoped":{"b":1,"a":[]}})",
      R"({"scoped":{"b":null,"a":"ok","c":{}}})", R"({"scoped":{"w":"B","w":1}})",
      R"({"set":"a"})", R"({"set":{"a":"b"}})", R"({"set":["a",1,null]})", R"({"set":[null,1]})",
      R"({"set":[["a"]]})", R"({"set":[1],"scoped":{"w":2},"single":3})", R"({"set":[1],"scoped":{"w":2}})",
      // Not objects, and syntax errors (which win over any type error before them).
      "", " ", "[]", "null", "\"x\"", "7", "{", "}", "{\"single\":\"x\"}}", "{\"single\":\"x\"",
      "{\"single\":7,", R"({"single":7} x)", R"({"single":"x",})", R"({'single':'x'})",
      "{\"single\":\"a\nb\"}", "{\"single\":\"\x01\"}", "{\"single\":\"\xff\"}", "{\"single\":\"\xc3\"}",
      R"({"single":"\x"})", R"({"single":"\ud800"})", R"({"set":[1e999]})", R"({"single":7}[)",
      R"([{"single":"x"}])", "{\"single\":\"x\"}\0", std::string("{\"single\":\"a\0b\"}", 17)};
  for (const std::string& text : cases) CheckSame(text);
}

TEST_CASE("stored grants read alike without a tree, for every one-byte damage of written grants") {
  Grants all;
  all.single = "SYSTEM_ADMIN";
  all.scoped = {{"ws1", "EDITOR"}, {"w\"2", "V"}};
  all.set = {"a", "b\\c"};
  Grants single;
  single.single = "DEVELOPER";
  for (const Grants& g : {all, single, Grants{}}) {
    const std::string text = EncodeGrants(g);
    CheckSame(text);
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i < text.size()) {
        CheckSame(text.substr(0, i) + text.substr(i + 1));  // a byte lost
        for (char c : std::string("\"{}[],:1n\\ \x01\xff")) {  // a byte replaced
          std::string changed = text;
          changed[i] = c;
          CheckSame(changed);
        }
      }
      for (char c : std::string("\"{}[],:1\\")) CheckSame(text.substr(0, i) + c + text.substr(i));  // one added
    }
  }
}

TEST_CASE("a decode error leaves the grants it was reading into as they were") {
  Grants g;
  g.single = "KEEP";
  CHECK_FALSE(DecodeGrantsInto(R"({"single":"x","set":[1]})", g).ok());
  CHECK(g.single == "KEEP");
  REQUIRE(DecodeGrantsInto(R"({"set":["a"]})", g).ok());
  CHECK_FALSE(g.single.has_value());
  CHECK(g.set == std::set<std::string>{"a"});
}

TEST_CASE("a managed row becomes the account it stores, or the decode error and no account") {
  ManagedAccounts accounts;
  ManagedColumns row;
  row.email = "b@x.io";
  row.user_id = "u-b";
  row.grants = R"({"single":"DEVELOPER"})";
  row.retired = true;
  row.first_managed = 1;
  row.last_seen = 2;
  row.last_asserted = 3;
  REQUIRE(AddManagedRow(row, accounts).ok());
  row.email = "a@x.io";  // out of email order: still added
  row.grants = "{}";
  row.retired = false;
  REQUIRE(AddManagedRow(row, accounts).ok());
  row.email = "c@x.io";
  row.grants = R"({"single":7})";
  Status bad = AddManagedRow(row, accounts);
  CHECK(bad.message() == "stored grants: [json.exception.type_error.302] type must be string, but is number");

  REQUIRE(accounts.size() == 2);
  const ManagedRecord& a = accounts.at("a@x.io");
  const ManagedRecord& b = accounts.at("b@x.io");
  CHECK(a.user_id == "u-b");
  CHECK(a.grants == Grants{});
  CHECK_FALSE(a.retired);
  CHECK(b.grants.single == "DEVELOPER");
  CHECK(b.retired);
  CHECK(b.first_managed == 1);
  CHECK(b.last_seen == 2);
  CHECK(b.last_asserted == 3);
}

}  // namespace
}  // namespace idsync
