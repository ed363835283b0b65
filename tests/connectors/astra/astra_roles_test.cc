#include "connectors/astra/astra_roles.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace idsync::astra_roles {
namespace {

const std::vector<astra_wire::Role> kRoles = {
    {"id-admin", "Organization Administrator"},
    {"id-dba", "Database Administrator"},
    {"id-view", "UI View Only"},
};

TEST_CASE("names resolve to ids ignoring case, and ids pass as themselves") {
  struct Case {
    const char* name;
    std::set<std::string> entries;
    std::set<std::string> ids;
  };
  const Case cases[] = {
      {"an exact name", {"Database Administrator"}, {"id-dba"}},
      {"a name in another case", {"database ADMINISTRATOR"}, {"id-dba"}},
      {"an id", {"id-view"}, {"id-view"}},
      {"an id in another case", {"ID-VIEW"}, {"id-view"}},
      {"a name and an id of the same role unite", {"UI View Only", "id-view"}, {"id-view"}},
      {"several names", {"UI View Only", "Organization Administrator"}, {"id-admin", "id-view"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    auto ids = Resolve(c.entries, kRoles, "astra a1");
    REQUIRE(ids.ok());
    CHECK(*ids == c.ids);
  }
}

TEST_CASE("an unknown name is an error listing the valid names") {
  auto ids = Resolve({"Data Wizard"}, kRoles, "astra a1");
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.status().code() == StatusCode::kInvalidArgument);
  CHECK(ids.status().message() ==
        "astra a1: unknown role \"Data Wizard\"; valid role names: Database Administrator, "
        "Organization Administrator, UI View Only");
}

TEST_CASE("a name two roles share is an error naming both ids") {
  std::vector<astra_wire::Role> roles = kRoles;
  roles.push_back({"id-dba-2", "database administrator"});
  auto ids = Resolve({"Database Administrator"}, roles, "astra a1");
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.status().message() ==
        "astra a1: role name \"Database Administrator\" matches 2 roles (ids id-dba, id-dba-2); "
        "use an id");
  auto by_id = Resolve({"id-dba-2"}, roles, "astra a1");
  REQUIRE(by_id.ok());
  CHECK(*by_id == std::set<std::string>{"id-dba-2"});
}

TEST_CASE("the catalog maps names as spelled to ids and back") {
  auto catalog = Catalog(kRoles);
  CHECK(catalog == std::map<std::string, std::string>{{"Database Administrator", "id-dba"},
                                                      {"Organization Administrator", "id-admin"},
                                                      {"UI View Only", "id-view"}});
  CHECK(Catalog(FromCatalog(catalog)) == catalog);
}

}  // namespace
}  // namespace idsync::astra_roles
