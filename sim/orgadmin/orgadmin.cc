#include "sim/orgadmin/orgadmin.h"

#include <algorithm>
#include <stdexcept>

#include "sim/graphql/endpoint.h"
#include "sim/graphql/schema.h"
#include "sim/orgadmin/orgadmin_schema.h"
#include "sim/orgadmin/orgadmin_seed.h"
#include "sim/orgadmin/orgadmin_state.h"
#include "sim/platform_base.h"
#include "sim/seed.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kCounterNames[] = {
    "findUserBy",   "groupUsers",         "createUser",           "addOrgMember",
    "addUserToOrg", "updateMember",       "addGroupMembership",   "removeGroupMembership"};

gql::Schema LoadSchema() {
  auto parsed = gql::ParseSchema(kOrgadminSchema);
  // The embedded schema is a constant checked by tests/sim; failing here is a build bug.
  if (auto* error = std::get_if<gql::Error>(&parsed)) throw std::logic_error("orgadmin schema: " + error->message);
  gql::Schema schema = std::get<gql::Schema>(std::move(parsed));
  schema.SetScalarCheck("Uuid", [](const json& value) -> std::optional<std::string> {
    if (value.is_string() && IsUuid(value.get<std::string>())) return std::nullopt;
    return "invalid Uuid";
  });
  return schema;
}

// orgadmin.md's error shapes: everything HTTP 200; before execution {"errors":
// [{"message", "locations"}]} without data; during execution {"data": null, "errors":
// [{"message", "path"}]}.
gql::HttpAnswer Shape(gql::Phase phase, const std::vector<gql::Error>& errors, const ordered_json& data) {
  ordered_json list = ordered_json::array();
  for (const gql::Error& e : errors) {
    ordered_json item = {{"message", e.message}};
    if (phase == gql::Phase::kExecution) {
      if (!e.path.is_null()) item["path"] = e.path;
    } else if (!e.locations.empty()) {
      ordered_json locations = ordered_json::array();
      for (const gql::Location& l : e.locations) locations.push_back({{"line", l.line}, {"column", l.column}});
      item["locations"] = std::move(locations);
    }
    list.push_back(std::move(item));
  }
  if (phase != gql::Phase::kExecution) return {200, ordered_json{{"errors", std::move(list)}}};
  return {200, ordered_json{{"data", data}, {"errors", std::move(list)}}};
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class OrgadminSim final : public PlatformBase<OrgadminState> {
 public:
  OrgadminSim()
      : PlatformBase("orgadmin", {std::begin(kCounterNames), std::end(kCounterNames)},
                     {"createUser", "addOrgMember", "addUserToOrg", "updateMember", "addGroupMembership",
                      "removeGroupMembership"}),
        schema_(LoadSchema()),
        endpoint_(&schema_, MakeResolvers(), Shape) {}

  void RegisterRoutes(Routes& routes) override {
    PostGraphql(routes, "/orgadmin/graphql", &endpoint_, Unauthenticated::kRefuseRequest);
  }

 private:
  // A seed that fails is never served, so a token read before the error is harmless.
  std::string ReadSeed(const YAML::Node& section, OrgadminState* out) override {
    return ReadOrgadminSeed(section, out, &token_);
  }

  bool Authorized(const httplib::Request& req) override {
    return !token_.empty() && req.get_header_value("Authorization") == "Bearer " + token_;
  }

  // `forbidden` unless `org` is the seeded org (any case).
  bool Forbidden(const json& args) const {
    return !args.contains("org") || Lower(args["org"].get<std::string>()) != state_.org_id;
  }

  // Resolvers run under mu_, taken by the route handler. A mutation whose
  // MutationResult has no `error` took effect.
  gql::Resolvers MakeResolvers() {
    gql::Resolvers r;
    auto query = [this](const char* field, auto run) {
      return [this, field, run](const json& args) {
        counters_.Count(field);
        std::variant<json, std::string> rows = run(args);
        if (auto* error = std::get_if<std::string>(&rows)) return gql::FieldResult::Fail(*error, "");
        return gql::FieldResult::Ok(std::get<json>(std::move(rows)));
      };
    };
    r.Add("Query", "findUserBy", query("findUserBy", [this](const json& args) { return state_.FindUserBy(args); }));
    r.Add("Query", "groupUsers", query("groupUsers", [this](const json& args) -> std::variant<json, std::string> {
            if (Forbidden(args)) return std::string("forbidden");
            return state_.GroupUsers(args);
          }));
    using Method = json (OrgadminState::*)(const json&);
    const std::pair<const char*, Method> mutations[] = {
        {"createUser", &OrgadminState::CreateUser},
        {"addOrgMember", &OrgadminState::AddOrgMember},
        {"addUserToOrg", &OrgadminState::AddOrgMember},
        {"updateMember", &OrgadminState::UpdateMember},
        {"addGroupMembership", &OrgadminState::AddGroupMembership},
        {"removeGroupMembership", &OrgadminState::RemoveGroupMembership},
    };
    for (const auto& [field, method] : mutations) {
      r.Add("Mutation", field, [this, field = field, method = method](const json& args) {
        counters_.Count(field);
        counters_.Count("mutations");
        if (Forbidden(args)) return gql::FieldResult::Fail("forbidden", "");
        json result = (state_.*method)(args);
        if (result.value("error", json(nullptr)).is_null()) counters_.Effect(field);
        return gql::FieldResult::Ok(std::move(result));
      });
    }
    return r;
  }

  ControlAnswer Act(std::string_view action, const json& body) override;

  gql::Schema schema_;
  gql::Endpoint endpoint_;
  std::string token_;  // guarded by mu_; "": every request is refused
};

ControlAnswer OrgadminSim::Act(std::string_view action, const json& body) {
  auto str = [&](const char* key) -> std::optional<std::string> {
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  static constexpr std::string_view kActions[] = {"drift", "users", "members", "groups"};
  if (std::ranges::find(kActions, action) == std::end(kActions)) {
    return ControlAnswer::Error(404, "orgadmin has no control action \"" + std::string(action) + "\"");
  }
  const std::string what = "orgadmin " + std::string(action);
  std::string error;
  if (action == "groups") {
    error = state_.AddGroup({str("id").value_or(""), str("name").value_or(""), {}});
  } else if (!str("email")) {
    return ControlAnswer::Error(400, what + ": \"email\" (a string) is required");
  } else if (action == "drift") {
    error = state_.Drift(*str("email"), str("role"), str("status"));
  } else if (action == "users") {
    error = state_.AddUser({str("id").value_or(""), *str("email"), str("first").value_or(""),
                            str("last").value_or(""), str("name").value_or(""), str("mobile")});
  } else {
    std::vector<std::string> groups;
    if (body.contains("groups") && body["groups"].is_array()) {
      for (const json& g : body["groups"]) {
        if (g.is_string()) groups.push_back(g.get<std::string>());
      }
    }
    error = state_.AddMember(*str("email"),
                             {"", str("role").value_or(""), str("status").value_or("active"), str("externalId")},
                             groups);
  }
  if (!error.empty()) return ControlAnswer::Error(409, what + ": " + error);
  return {200, state_.Dump()};
}

}  // namespace

std::unique_ptr<Platform> MakeOrgadminPlatform() { return std::make_unique<OrgadminSim>(); }

}  // namespace idsync::sim
