// Fuzz target: the simulator's GraphQL parser (sim/graphql/parser.h), with the input as
// one request document. A document that parses is then validated against each
// simulated platform's schema, which walks every node the parser produced.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/graphql/parser.h"
#include "sim/graphql/schema.h"
#include "sim/graphql/validate.h"
#include "sim/houston/houston_schema.h"
#include "sim/orgadmin/orgadmin_schema.h"
#include "sim/workspace/workspace_schema.h"

namespace {

namespace gql = idsync::sim::gql;

const std::vector<gql::Schema>& Schemas() {
  static const std::vector<gql::Schema> schemas = [] {
    std::vector<gql::Schema> out;
    for (std::string_view sdl : {idsync::sim::kWorkspaceSchema, idsync::sim::houston::kSchema,
                                 idsync::sim::kOrgadminSchema}) {
      auto parsed = gql::ParseSchema(sdl);
      if (!std::holds_alternative<gql::Schema>(parsed)) std::abort();  // the sim's own SDL
      out.push_back(std::get<gql::Schema>(std::move(parsed)));
    }
    return out;
  }();
  return schemas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto document = gql::ParseDocument(source);
  if (!std::holds_alternative<gql::Document>(document)) return 0;
  for (const gql::Schema& schema : Schemas()) {
    (void)gql::Validate(schema, std::get<gql::Document>(document), "");
  }
  return 0;
}
