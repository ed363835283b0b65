// The users: section is read while the file is parsed (config/yaml_tree.h SeqItemSink):
// what the loader reports and returns must not depend on that. Each case's expected
// lines are what the loader printed before users were streamed.
#include <doctest/doctest.h>

#include "config/yaml_tree.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

using testing::Errors;
using testing::Files;

const std::string kHead = std::string(testing::kWorkspacePlatform);  // lines 1-6

struct Case {
  const char* name;
  std::string text;
  std::vector<std::string> want;
};

TEST_CASE("streamed users: errors are exactly those of the whole file") {
  const std::vector<Case> cases = {
      {"users before the roles and groups they name",
       kHead + "users:\n  - email: a@acme.io\n    groups: [team]\n    roles: [dev, ops]\n"
               "roles:\n  dev: { ws: DEVELOPER }\ngroups:\n  team: { roles: [dev] }\n",
       {"m.yaml:10:18: unknown role \"ops\""}},
      {"a syntax error after the users: only the syntax error",
       kHead + "users:\n  - email: not-an-email\n    roles: [nope]\n  - email: a@acme.io\nroles: [\n",
       {"m.yaml:12:1: YAML syntax error: end of sequence flow not found"}},
      {"users: given twice: the second is a duplicate key and is not read",
       kHead + "users:\n  - email: a@acme.io\nusers:\n  - email: bad\n",
       {"m.yaml:9:1: duplicate key \"users\" (first at m.yaml:7)"}},
      {"users: as a mapping", kHead + "users:\n  email: a@acme.io\n",
       {"m.yaml:8:3: expected a sequence, got a mapping"}},
      {"users: empty", kHead + "users:\n", {}},
      {"a group named users is not the users section",
       kHead + "roles:\n  dev: { ws: DEVELOPER }\ngroups:\n  users: { roles: [dev] }\n"
               "users:\n  - email: a@acme.io\n    groups: [users, nope]\n",
       {"m.yaml:13:21: unknown group \"nope\""}},
      {"flow-style users, with an error in each",
       kHead + "users: [{email: x}, {email: a@acme.io, roles: [r]}, b@acme.io, ~]\n",
       {"m.yaml:7:17: invalid email \"x\"", "m.yaml:7:48: unknown role \"r\"",
        "m.yaml:7:53: expected a mapping, got a string", "m.yaml:7:64: missing required key \"email\""}},
      {"an alias in a user", kHead + "users:\n  - email: &e a@acme.io\n  - email: *e\n",
       {"m.yaml:9:12: YAML aliases (*name) are not supported; write the value out"}},
      {"the users of a second document are not read",
       kHead + "users:\n  - email: a@acme.io\n---\nusers:\n  - email: bad\n",
       {"m.yaml:10:1: a manifest file holds one YAML document; found a second"}},
      {"a directive line (read by yaml-cpp alone) streams the same",
       "%YAML 1.2\n---\n" + kHead + "users:\n  - email: bad\n  - email: a@acme.io\n    roles: [nope]\n",
       {"m.yaml:10:12: invalid email \"bad\"", "m.yaml:12:13: unknown role \"nope\""}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(Errors(c.text) == c.want);
  }
}

TEST_CASE("streamed users name roles and groups of files read after theirs") {
  const Files files = {
      {"a.yaml", kHead + "users:\n  - email: a@acme.io\n    groups: [team]\n  - email: a@acme.io\n"},
      {"b.yaml", "version: 1\nroles:\n  dev: { ws: DEVELOPER }\ngroups:\n  team: { roles: [dev] }\n"
                 "users:\n  - email: b@acme.io\n    roles: [dev, gone]\n"},
  };
  CHECK(Errors(files) == std::vector<std::string>{
                             "a.yaml:10:5: duplicate user \"a@acme.io\" (first at a.yaml:8)",
                             "b.yaml:8:18: unknown role \"gone\""});
}

TEST_CASE("streamed users keep file order, memberships, marks and expiry") {
  const Files files = {
      {"b.yaml", "version: 1\nusers:\n  - email: C@acme.io\n    roles: [{ role: dev, expires: 2027-01-31 }]\n"},
      {"a.yaml", kHead + "roles:\n  dev: { ws: DEVELOPER }\ngroups:\n  team: { roles: [dev] }\n"
                         "users:\n  - email: a@acme.io\n    groups: [team]\n  - { email: b@acme.io, name: B Lee }\n"},
  };
  LoadResult r = LoadManifestFromStrings(files);
  for (const auto& d : r.diagnostics) MESSAGE(ToString(d));
  REQUIRE(r.ok());
  const auto& users = r.manifest->users;
  REQUIRE(users.size() == 3);
  CHECK(users[0].email == "a@acme.io");
  CHECK(users[0].mark == SourceMark{"a.yaml", 12, 5});
  REQUIRE(users[0].groups.size() == 1);
  CHECK(users[0].groups[0].name == "team");
  CHECK(users[0].groups[0].mark == SourceMark{"a.yaml", 13, 14});
  CHECK(users[1].email == "b@acme.io");
  CHECK(users[1].name == "B Lee");
  CHECK(users[2].email == "c@acme.io");
  CHECK(users[2].email_as_written == "C@acme.io");
  REQUIRE(users[2].roles.size() == 1);
  CHECK(users[2].roles[0].name == "dev");
  REQUIRE(users[2].roles[0].expires);
  CHECK(users[2].roles[0].expires->text == "2027-01-31");
  CHECK(users[2].roles[0].expires->mark == SourceMark{"b.yaml", 4, 35});
}

// A sink that records each item's first scalar while the item is in the tree.
class Recorder : public SeqItemSink {
 public:
  std::string_view Key() const override { return "users"; }
  void Restart() override {
    ++restarts;
    items.clear();
  }
  void Item(const YamlTree& tree, NodeId item) override {
    items.push_back(tree.kind(item) == NodeKind::kMap ? std::string(tree.text(item + 2))
                                                       : std::string(tree.text(item)));
  }
  int restarts = 0;
  std::vector<std::string> items;
};

TEST_CASE("ParseYaml hands the root's first users: items to the sink and keeps none") {
  Recorder sink;
  std::vector<Diagnostic> diags;
  auto tree = ParseYaml("m.yaml", "a: 1\nusers:\n  - {email: x}\n  - y\nb: [2]\n", diags, &sink);
  REQUIRE(tree);
  CHECK(diags.empty());
  CHECK(sink.items == std::vector<std::string>{"x", "y"});
  // The root's children: a, 1, users, [], b, [2]; the streamed sequence is empty.
  const auto root = tree->children(tree->root());
  REQUIRE(root.size() == 6);
  CHECK(tree->kind(root[3]) == NodeKind::kSeq);
  CHECK(tree->children(root[3]).empty());
  CHECK(tree->children(root[5]).size() == 1);
  CHECK(tree->text(root[4]) == "b");

  Recorder nested;
  auto other = ParseYaml("m.yaml", "x:\n  users: [a]\n", diags, &nested);
  REQUIRE(other);
  CHECK(nested.items.empty());  // not the root's key
}

TEST_CASE("SharedString and Boxed read as the values they hold") {
  SharedString a("f.yaml"), b = a, c(std::string("f.yaml")), empty;
  CHECK(a == b);
  CHECK(a == c);
  CHECK(a == "f.yaml");
  CHECK(a == std::string("f.yaml"));
  CHECK(empty == "");
  CHECK(empty.str().empty());
  CHECK(SharedString("a") < SharedString("b"));
  NamePool pool;
  SharedString x = pool.Intern("dev"), y = pool.Intern("dev");
  CHECK(&x.str() == &y.str());  // one copy

  Boxed<std::string> none, some = std::string("Ann"), copy = some;
  CHECK_FALSE(none);
  CHECK(none == std::nullopt);
  CHECK(some == "Ann");
  CHECK(copy == some);
  CHECK(&*copy != &*some);  // a copy copies the value
  none = std::optional<std::string>("Lee");
  CHECK(none.opt() == std::optional<std::string>("Lee"));
}

}  // namespace
}  // namespace idsync
