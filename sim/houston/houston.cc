#include "sim/houston/houston.h"

#include <map>
#include <stdexcept>

#include "sim/graphql/endpoint.h"
#include "sim/graphql/schema.h"
#include "sim/houston/houston_schema.h"
#include "sim/houston/houston_seed.h"
#include "sim/houston/houston_state.h"
#include "sim/platform_base.h"
#include "sim/seed.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using houston::Outcome;
using houston::Refusal;

constexpr const char* kQueries[] = {"users", "invites", "workspaces"};
constexpr const char* kMutations[] = {"inviteUser",          "workspaceAddUser",        "workspaceUpdateUserRole",
                                      "workspaceRemoveUser", "createSystemRoleBinding", "deleteSystemRoleBinding",
                                      "removeUser",          "deleteInviteToken"};

gql::Schema LoadSchema() {
  auto parsed = gql::ParseSchema(houston::kSchema);
  // The embedded schema is a constant checked by tests/sim/houston; failing here is a build bug.
  if (auto* error = std::get_if<gql::Error>(&parsed)) throw std::logic_error("houston schema: " + error->message);
  gql::Schema schema = std::get<gql::Schema>(std::move(parsed));
  auto must_be_string = [](const char* scalar) {
    return [scalar](const json& v) -> std::optional<std::string> {
      if (v.is_string()) return std::nullopt;
      return std::string(scalar) + " cannot represent a non string value";
    };
  };
  schema.SetScalarCheck("Uuid", must_be_string("Uuid"));
  schema.SetScalarCheck("DateTime", must_be_string("DateTime"));
  return schema;
}

std::optional<std::string> OptionalString(const json& args, const char* key) {
  if (!args.is_object() || !args.contains(key) || !args[key].is_string()) return std::nullopt;
  return args[key].get<std::string>();
}

gql::FieldResult ToField(const Outcome& outcome) {
  if (auto* refusal = std::get_if<Refusal>(&outcome)) return gql::FieldResult::Fail(refusal->message, refusal->code);
  return gql::FieldResult::Ok(std::get<json>(outcome));
}

ControlAnswer ToControl(const Outcome& outcome) {
  if (auto* refusal = std::get_if<Refusal>(&outcome)) {
    return ControlAnswer::Error(refusal->code == "RESOURCE_NOT_FOUND" ? 404 : 409, refusal->message);
  }
  return {200, std::get<json>(outcome)};
}

class HoustonSim final : public PlatformBase<houston::State> {
 public:
  HoustonSim()
      : PlatformBase("houston", Names(), {std::begin(kMutations), std::end(kMutations)}),
        schema_(LoadSchema()),
        endpoint_(&schema_, MakeResolvers()) {}

  void RegisterRoutes(Routes& routes) override {
    for (const char* path : {"/houston/v1", "/houston/v1/"}) {
      PostGraphql(routes, path, &endpoint_, Unauthenticated::kRefuseEachField);
    }
  }

 private:
  static std::vector<std::string> Names() {
    std::vector<std::string> names(std::begin(kQueries), std::end(kQueries));
    names.insert(names.end(), std::begin(kMutations), std::end(kMutations));
    names.emplace_back("rejected");
    return names;
  }

  // A seed that fails is never served, so a key read before the error is harmless.
  std::string ReadSeed(const YAML::Node& section, houston::State* out) override {
    return houston::ReadSeed(section, out, &api_key_);
  }

  // The raw key, or "Bearer <key>" (Houston strips the prefix). Never echoed. Kept
  // for the resolvers: Houston refuses field by field.
  bool Authorized(const httplib::Request& req) override {
    authorized_ = false;
    if (api_key_.empty() || !req.has_header("Authorization")) return false;
    std::string value = req.get_header_value("Authorization");
    if (value.starts_with("Bearer ")) value = value.substr(7);
    authorized_ = value == api_key_;
    return authorized_;
  }

  // Resolvers run under mu_, taken by the route handler. Each checks the key first:
  // Houston authenticates per field, so a bad key is an execution error, HTTP 200.
  // A mutation whose answer carries no error took effect.
  void AddField(gql::Resolvers& r, const char* root, const char* field,
                std::function<gql::FieldResult(const json&)> body) {
    const bool mutation = std::string_view(root) == "Mutation";
    r.Add(root, field, [this, field, mutation, body = std::move(body)](const json& args) {
      if (!authorized_) {
        return gql::FieldResult::Fail("You must be authenticated: a valid API key is required", "UNAUTHENTICATED");
      }
      counters_.Count(field);
      if (mutation) counters_.Count("mutations");
      gql::FieldResult result = body(args);
      if (mutation && result.errors.empty()) counters_.Effect(field);
      return result;
    });
  }

  gql::Resolvers MakeResolvers() {
    gql::Resolvers r;
    AddField(r, "Query", "users", [this](const json& args) {
      houston::UserSearch search;
      if (args.contains("user") && args["user"].is_object()) {
        const json& u = args["user"];
        search = {OptionalString(u, "userId"), OptionalString(u, "userUuid"), OptionalString(u, "username"),
                  OptionalString(u, "email"), OptionalString(u, "fullName")};
      }
      std::optional<int64_t> take;
      if (args.contains("take") && args["take"].is_number_integer()) take = args["take"].get<int64_t>();
      return ToField(state_.Users(search, OptionalString(args, "cursor"), take));
    });
    AddField(r, "Query", "invites", [this](const json& args) {
      json search = args.contains("invite") ? args["invite"] : json(nullptr);
      return gql::FieldResult::Ok(state_.Invites(OptionalString(search, "email"), OptionalString(search, "workspaceUuid")));
    });
    AddField(r, "Query", "workspaces", [this](const json&) { return gql::FieldResult::Ok(state_.Workspaces()); });
    AddField(r, "Mutation", "inviteUser", [this](const json& args) {
      return ToField(state_.InviteUser(args.at("email"), OptionalString(args, "role")));
    });
    AddField(r, "Mutation", "workspaceAddUser", [this](const json& args) {
      // An explicit null role takes the default, like an absent one.
      const std::string role = OptionalString(args, "role").value_or("WORKSPACE_VIEWER");
      return ToField(state_.WorkspaceAddUser(args.at("workspaceUuid"), args.at("email"), role));
    });
    AddField(r, "Mutation", "workspaceUpdateUserRole", [this](const json& args) {
      return ToField(state_.WorkspaceUpdateUserRole(args.at("workspaceUuid"), args.at("email"), args.at("role")));
    });
    AddField(r, "Mutation", "workspaceRemoveUser", [this](const json& args) {
      return ToField(state_.WorkspaceRemoveUser(args.at("workspaceUuid"), args.at("userUuid")));
    });
    AddField(r, "Mutation", "createSystemRoleBinding", [this](const json& args) {
      return ToField(state_.CreateSystemRoleBinding(args.at("userId"), args.at("role")));
    });
    AddField(r, "Mutation", "deleteSystemRoleBinding", [this](const json& args) {
      return ToField(state_.DeleteSystemRoleBinding(args.at("userId"), args.at("role")));
    });
    AddField(r, "Mutation", "removeUser", [this](const json& args) { return ToField(state_.RemoveUser(args.at("userUuid"))); });
    AddField(r, "Mutation", "deleteInviteToken", [this](const json& args) {
      return ToField(state_.DeleteInviteToken(args.at("inviteUuid")));
    });
    return r;
  }

  ControlAnswer Act(std::string_view action, const json& body) override;

  gql::Schema schema_;
  gql::Endpoint endpoint_;
  std::string api_key_;      // guarded by mu_; "": every field is refused
  bool authorized_ = false;  // guarded by mu_: of the request being handled
};

ControlAnswer HoustonSim::Act(std::string_view action, const json& body) {
  const std::string where = "houston " + std::string(action);
  const std::optional<std::string> email = OptionalString(body, "email");
  static constexpr std::string_view kActions[] = {"accept", "drift", "users", "invites"};
  if (std::ranges::find(kActions, action) == std::end(kActions)) {
    return ControlAnswer::Error(404, "houston has no control action \"" + std::string(action) + "\"");
  }
  if (!email) return ControlAnswer::Error(400, where + ": \"email\" (a string) is required");
  YAML::Node node;
  try {
    node = YAML::Load(body.dump());  // JSON is YAML: one reader for seed and controls
  } catch (const YAML::Exception& e) {
    return ControlAnswer::Error(400, where + ": " + e.msg);
  }

  if (action == "accept") return ToControl(state_.Accept(*email, OptionalString(body, "fullName")));
  if (action == "drift") {
    std::optional<std::vector<std::string>> system;
    std::optional<std::map<std::string, std::string>> workspaces;
    if (body.contains("system")) {
      system.emplace();
      if (std::string e = houston::ReadRoles(node["system"], where + ".system", houston::IsSystemRole, &*system); !e.empty()) {
        return ControlAnswer::Error(400, e);
      }
    }
    if (body.contains("workspaces")) {
      if (!body["workspaces"].is_object()) return ControlAnswer::Error(400, where + ": workspaces must be {id: role}");
      workspaces.emplace();
      for (const auto& [ws, role] : body["workspaces"].items()) {
        if (!role.is_string()) return ControlAnswer::Error(400, where + ": workspaces." + ws + " must be a role");
        (*workspaces)[ws] = role.get<std::string>();
      }
    }
    return ToControl(state_.Drift(*email, system, workspaces));
  }
  if (action == "users") {
    houston::User user;
    if (std::string e = houston::ReadUser(node, where, &user); !e.empty()) return ControlAnswer::Error(400, e);
    if (std::string e = state_.AddUser(user); !e.empty()) return ControlAnswer::Error(409, where + ": " + e);
    return {200, state_.Dump()["users"]};
  }
  houston::Invite invite;
  if (std::string e = houston::ReadInvite(node, where, &invite); !e.empty()) return ControlAnswer::Error(400, e);
  if (std::string e = state_.AddInvite(invite); !e.empty()) return ControlAnswer::Error(409, where + ": " + e);
  return {200, state_.Invites(*email, std::nullopt)};
}

}  // namespace

std::unique_ptr<Platform> MakeHoustonPlatform() { return std::make_unique<HoustonSim>(); }

}  // namespace idsync::sim
