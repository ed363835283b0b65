#include "core/box.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/grants.h"
#include "core/users.h"

namespace idsync {

TEST_CASE("a BoxedOptional is unset until given a value, and reads like std::optional") {
  BoxedOptional<std::string> box;
  CHECK_FALSE(box);
  CHECK_FALSE(box.has_value());
  CHECK(box.value_or("none") == "none");
  CHECK(box == std::optional<std::string>());
  CHECK(std::optional<std::string>(box) == std::nullopt);
  box = "Ada";
  REQUIRE(box);
  CHECK(*box == "Ada");
  CHECK(box->size() == 3);
  CHECK(box.value_or("none") == "Ada");
  CHECK(box == std::optional<std::string>("Ada"));
  CHECK_FALSE(box == std::optional<std::string>("Bob"));
  CHECK_FALSE(box == std::optional<std::string>());
  CHECK(std::optional<std::string>(box) == "Ada");
  box = std::nullopt;
  CHECK_FALSE(box);
  box = std::optional<std::string>("Lovelace");
  CHECK(*box == "Lovelace");
  box = std::optional<std::string>();
  CHECK_FALSE(box);
  box.emplace(3, 'x');
  CHECK(*box == "xxx");
  box.reset();
  CHECK_FALSE(box);
}

TEST_CASE("a BoxedOptional copies deeply and compares by value") {
  BoxedOptional<std::string> a = std::string("Ada"), unset;
  BoxedOptional<std::string> b = a;
  CHECK(a == b);
  *b = "Bob";
  CHECK(*a == "Ada");
  CHECK_FALSE(a == b);
  CHECK_FALSE(a == unset);
  CHECK(unset == BoxedOptional<std::string>());
  b = a;
  CHECK(a == b);
  b = unset;
  CHECK_FALSE(b);
  BoxedOptional<std::string> moved = std::move(a);
  CHECK(*moved == "Ada");
  a = moved;  // usable again after a move: assigned a copy
  CHECK(*a == "Ada");
  const BoxedOptional<std::string>& same = a;
  a = same;  // self-assignment keeps the value
  CHECK(*a == "Ada");
}

TEST_CASE("a BoxedContainer reads as empty until written, and allocates on the first write") {
  BoxedContainer<std::set<std::string>> set;
  CHECK(set.empty());
  CHECK(set.size() == 0);
  CHECK(set.begin() == set.end());
  CHECK(set.count("a") == 0);
  CHECK_FALSE(set.contains("a"));
  CHECK(set.find("a") == set.end());
  CHECK(set.erase("a") == 0);
  CHECK(set.get().empty());
  set.insert("b");
  set.insert("a");
  CHECK(set.size() == 2);
  CHECK(set.count("a") == 1);
  CHECK(set.contains("b"));
  CHECK(*set.begin() == "a");  // a std::set underneath: sorted
  CHECK(set == std::set<std::string>{"a", "b"});
  CHECK(set.erase("a") == 1);
  CHECK(set == std::set<std::string>{"b"});
  set.clear();
  CHECK(set.empty());

  BoxedContainer<std::map<std::string, std::string>> map;
  CHECK(map.find("ws") == map.end());
  map["ws"] = "ADMIN";
  map.emplace("ws2", "VIEWER");
  CHECK(map.size() == 2);
  CHECK(map.find("ws")->second == "ADMIN");
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key + "=" + value);
  CHECK(keys == std::vector<std::string>{"ws=ADMIN", "ws2=VIEWER"});

  BoxedContainer<std::vector<std::string>> ids;
  ids.push_back("inv1");
  ids.push_back("inv2");
  CHECK(ids[1] == "inv2");
  CHECK(ids == std::vector<std::string>{"inv1", "inv2"});

  BoxedString text;
  CHECK(text.empty());
  CHECK(text == std::string());
  text = "role";
  CHECK(text == std::string("role"));
  CHECK("from " + text.get() == "from role");
  const std::string copy = text;
  CHECK(copy == "role");
  text = "";
  CHECK(text.empty());
  text = copy;
  text.clear();
  CHECK(text == BoxedString());
}

TEST_CASE("a BoxedContainer copies deeply; an empty one equals an emptied one") {
  BoxedContainer<std::set<std::string>> a = {"x", "y"}, empty;
  BoxedContainer<std::set<std::string>> b = a;
  b.insert("z");
  CHECK(a.size() == 2);
  CHECK(b.size() == 3);
  CHECK_FALSE(a == b);
  b = a;
  CHECK(a == b);
  BoxedContainer<std::set<std::string>> emptied = {"x"};
  emptied.erase("x");
  CHECK(emptied == empty);  // allocated but empty == never allocated
  a = std::set<std::string>{};
  CHECK(a == empty);
  a = {};
  CHECK(a.empty());
  const std::set<std::string>& as_set = b;  // binds to const C& parameters
  CHECK(as_set.size() == 2);
}

TEST_CASE("the per-user records are small: unset boxes take 8 bytes each") {
  // Guards issue 17's memory figures: a field added back as std::optional / std::map
  // shows here first. Sizes are for the 64-bit libstdc++ the project builds with.
  CHECK(sizeof(BoxedOptional<std::string>) == sizeof(void*));
  CHECK(sizeof(BoxedContainer<std::set<std::string>>) == sizeof(void*));
  CHECK(sizeof(Grants) <= 56);
  CHECK(sizeof(Profile) <= 96);
  CHECK(sizeof(LiveUser) <= 200);  // no email: it is the key of LiveState::users
  CHECK(sizeof(DesiredUser) <= 208);
  CHECK(sizeof(ManagedRecord) <= 120);  // neither platform nor email
  Grants g;
  CHECK(g.empty());
  g.set.insert("group");
  CHECK_FALSE(g.empty());
  Grants copy = g;
  CHECK(copy == g);
  copy.set.clear();
  CHECK(copy == Grants{});
}

}  // namespace idsync
