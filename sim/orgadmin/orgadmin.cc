#include "sim/orgadmin/orgadmin.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

#include "sim/graphql/endpoint.h"
#include "sim/graphql/schema.h"
#include "sim/orgadmin/orgadmin_schema.h"
#include "sim/orgadmin/orgadmin_state.h"
#include "sim/seed.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kCounterNames[] = {
    "findUserBy",         "groupUsers",            "createUser", "addOrgMember", "addUserToOrg",
    "updateMember",       "addGroupMembership",    "removeGroupMembership",
    "requests",           "mutations",             "unauthorized"};

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

class OrgadminSim final : public Platform {
 public:
  OrgadminSim() : schema_(LoadSchema()), endpoint_(&schema_, MakeResolvers(), Shape) { ResetCountersLocked(); }

  std::string name() const override { return "orgadmin"; }

  std::string Seed(const YAML::Node& section) override {
    std::lock_guard lock(mu_);
    OrgadminState seeded;
    if (section && !section.IsNull()) {
      if (std::string error = ReadSeed(section, &seeded); !error.empty()) return error;
    }
    seed_ = seeded;
    state_ = std::move(seeded);
    return "";
  }

  void RegisterRoutes(Routes& server) override {
    server.Post("/orgadmin/graphql", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      ++counters_["requests"];
      if (!token_ || req.get_header_value("Authorization") != "Bearer " + *token_) {
        ++counters_["unauthorized"];
        res.status = 401;
        res.set_content(json{{"errors", {{{"message", "unauthenticated"}}}}}.dump(), "application/json");
        return;
      }
      gql::HttpAnswer answer = endpoint_.Handle(req.body);
      res.status = answer.status;
      res.set_content(answer.body.dump(), "application/json");
    });
  }

  json DumpState() const override {
    std::lock_guard lock(mu_);
    return state_.Dump();
  }

  void Reset() override {
    std::lock_guard lock(mu_);
    state_ = seed_;
    ResetCountersLocked();
  }

  ControlAnswer Control(std::string_view action, const json& body) override;

  json Counters() const override {
    std::lock_guard lock(mu_);
    return json(counters_);
  }

  void ResetCounters() override {
    std::lock_guard lock(mu_);
    ResetCountersLocked();
  }

 private:
  void ResetCountersLocked() {
    for (const char* counter : kCounterNames) counters_[counter] = 0;
  }

  // `forbidden` unless `org` is the seeded org (any case).
  bool Forbidden(const json& args) const {
    return !args.contains("org") || Lower(args["org"].get<std::string>()) != state_.org_id;
  }

  // Resolvers run under mu_, taken by the route handler.
  gql::Resolvers MakeResolvers() {
    gql::Resolvers r;
    auto query = [this](const char* field, auto run) {
      return [this, field, run](const json& args) {
        ++counters_[field];
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
        ++counters_[field];
        ++counters_["mutations"];
        if (Forbidden(args)) return gql::FieldResult::Fail("forbidden", "");
        return gql::FieldResult::Ok((state_.*method)(args));
      });
    }
    return r;
  }

  std::string ReadSeed(const YAML::Node& section, OrgadminState* out);

  gql::Schema schema_;
  gql::Endpoint endpoint_;
  mutable std::mutex mu_;  // guards everything below
  OrgadminState seed_;
  OrgadminState state_;
  std::optional<std::string> token_;
  std::map<std::string, int64_t> counters_;
};

// Reads a list of maps at section[key], calling `each(node, where)` for each item.
template <typename Each>
std::string ForEach(const YAML::Node& section, const char* key, Each each) {
  YAML::Node items = section[key];
  if (!items || items.IsNull()) return "";
  if (!items.IsSequence()) return SeedError(items, std::string("seed: orgadmin.") + key + " must be a list");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string where = std::string("orgadmin.") + key + "[" + std::to_string(i) + "]";
    if (std::string e = each(items[i], where); !e.empty()) return e;
  }
  return "";
}

std::string OrgadminSim::ReadSeed(const YAML::Node& section, OrgadminState* out) {
  if (std::string e = CheckKeys(section, "orgadmin", {"credentials", "org", "groups", "users", "members"}); !e.empty()) {
    return e;
  }
  std::string error;
  YAML::Node credentials = section["credentials"];
  if (!credentials) return SeedError(section, "seed: orgadmin.credentials { token } is required");
  if (std::string e = CheckKeys(credentials, "orgadmin.credentials", {"token"}); !e.empty()) return e;
  token_ = ScalarAt(credentials, "token", "orgadmin.credentials", &error);
  if (!error.empty()) return error;
  if (!token_) return SeedError(credentials, "seed: orgadmin.credentials needs token");

  YAML::Node org = section["org"];
  if (!org) return SeedError(section, "seed: orgadmin.org { id, name } is required");
  if (std::string e = CheckKeys(org, "orgadmin.org", {"id", "name"}); !e.empty()) return e;
  auto org_id = ScalarAt(org, "id", "orgadmin.org", &error);
  auto org_name = ScalarAt(org, "name", "orgadmin.org", &error);
  if (!error.empty()) return error;
  if (!org_id || !IsUuid(*org_id)) return SeedError(org, "seed: orgadmin.org.id must be a UUID");
  out->org_id = Lower(*org_id);
  out->org_name = org_name.value_or("");

  std::string e = ForEach(section, "groups", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"id", "name"}); !k.empty()) return k;
    auto id = ScalarAt(node, "id", where, &error);
    auto name = ScalarAt(node, "name", where, &error);
    if (!error.empty()) return error;
    std::string added = out->AddGroup({id.value_or(""), name.value_or(""), {}});
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
  if (!e.empty()) return e;
  e = ForEach(section, "users", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"email", "first", "last", "name", "mobile", "id"}); !k.empty()) return k;
    auto email = ScalarAt(node, "email", where, &error);
    auto first = ScalarAt(node, "first", where, &error);
    auto last = ScalarAt(node, "last", where, &error);
    auto name = ScalarAt(node, "name", where, &error);
    auto mobile = ScalarAt(node, "mobile", where, &error);
    auto id = ScalarAt(node, "id", where, &error);
    if (!error.empty()) return error;
    if (!first || !last) return SeedError(node, "seed: " + where + ": first and last are required");
    std::string added = out->AddUser({id.value_or(""), email.value_or(""), *first, *last, name.value_or(""), mobile});
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
  if (!e.empty()) return e;
  return ForEach(section, "members", [&](const YAML::Node& node, const std::string& where) {
    if (std::string k = CheckKeys(node, where, {"email", "role", "status", "externalId", "groups"}); !k.empty()) return k;
    auto email = ScalarAt(node, "email", where, &error);
    auto role = ScalarAt(node, "role", where, &error);
    auto status = ScalarAt(node, "status", where, &error);
    auto external_id = ScalarAt(node, "externalId", where, &error);
    if (!error.empty()) return error;
    std::vector<std::string> groups;
    if (YAML::Node list = node["groups"]; list && !list.IsNull()) {
      if (!list.IsSequence()) return SeedError(list, "seed: " + where + ".groups must be a list");
      for (const auto& g : list) groups.push_back(g.as<std::string>());
    }
    std::string added = out->AddMember(email.value_or(""),
                                       {"", role.value_or("user"), status.value_or("active"), external_id}, groups);
    return added.empty() ? "" : SeedError(node, "seed: " + where + ": " + added);
  });
}

ControlAnswer OrgadminSim::Control(std::string_view action, const json& body) {
  auto str = [&](const char* key) -> std::optional<std::string> {
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  static constexpr std::string_view kActions[] = {"drift", "users", "members", "groups"};
  if (std::ranges::find(kActions, action) == std::end(kActions)) {
    return ControlAnswer::Error(404, "orgadmin has no control action \"" + std::string(action) + "\"");
  }
  const std::string what = "orgadmin " + std::string(action);
  std::lock_guard lock(mu_);
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
