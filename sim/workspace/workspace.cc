#include "sim/workspace/workspace.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <variant>

#include "sim/graphql/schema.h"
#include "sim/platform_base.h"
#include "sim/workspace/workspace_schema.h"
#include "sim/workspace/workspace_seed.h"
#include "sim/workspace/workspace_state.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

gql::Schema LoadSchema() {
  auto parsed = gql::ParseSchema(kWorkspaceSchema);
  // The embedded schema is a constant checked by tests/sim; failing here is a build bug.
  if (auto* error = std::get_if<gql::Error>(&parsed)) throw std::logic_error("workspace schema: " + error->message);
  return std::get<gql::Schema>(std::move(parsed));
}

// ok:false plus the reason in `errors`, as workspace.md describes a refusal.
gql::FieldResult Refused(const Refusal& refusal) {
  return {json{{"ok", false}}, {gql::Error{refusal.message, {}, nullptr, refusal.code}}};
}

int ControlStatus(const Refusal& refusal) {
  return refusal.code.ends_with("_NOT_FOUND") ? 404 : 409;
}

class WorkspaceSim final : public PlatformBase<WorkspaceState> {
 public:
  WorkspaceSim()
      : PlatformBase("workspace", {"listUsers", "inviteUser", "updateUserAccountType", "disableUser", "rejected"},
                     {"inviteUser", "updateUserAccountType", "disableUser"}),
        schema_(LoadSchema()),
        endpoint_(&schema_, MakeResolvers()) {}

  void RegisterRoutes(Routes& routes) override {
    PostGraphql(routes, "/workspace/graphql", &endpoint_, Unauthenticated::kRefuseRequest);
  }

 private:
  std::string ReadSeed(const YAML::Node& section, WorkspaceState* out) override {
    WorkspaceCredentials credentials;
    if (std::string error = ReadWorkspaceSeed(section, schema_, out, &credentials); !error.empty()) return error;
    credentials_ = credentials;
    return "";
  }

  bool Authorized(const httplib::Request& req) override {
    return credentials_ && req.has_header("X-API-KEY") && req.has_header("X-API-SECRET") &&
           req.get_header_value("X-API-KEY") == credentials_->api_key &&
           req.get_header_value("X-API-SECRET") == credentials_->api_secret;
  }

  // 401 saying which: a header missing, or a wrong key. Never echoes what was sent.
  void RefuseUnauthorized(const httplib::Request& req, httplib::Response& res) override {
    const bool missing = !req.has_header("X-API-KEY") || !req.has_header("X-API-SECRET");
    const char* why = missing ? "Missing X-API-KEY or X-API-SECRET header." : "Invalid API key or secret.";
    res.status = 401;
    res.set_content(json{{"errors", {{{"message", why}}}}}.dump(), "application/json");
  }

  // Resolvers run under mu_, taken by the route handler.
  gql::Resolvers MakeResolvers() {
    gql::Resolvers r;
    r.Add("Query", "listUsers", [this](const json&) {
      counters_.Count("listUsers");
      json active = json::array(), invited = json::array();
      active.get_ref<json::array_t&>().reserve(state_.users().size());
      invited.get_ref<json::array_t&>().reserve(state_.invitations().size());
      for (const WorkspaceUser& u : state_.users()) active.push_back(ToJson(u));
      for (const WorkspaceInvitation& i : state_.invitations()) invited.push_back(ToJson(i));
      json result = json::object();
      result["ok"] = true;
      result["activeUsers"] = std::move(active);
      result["invitedUsers"] = std::move(invited);
      return gql::FieldResult::Ok(std::move(result));
    });
    r.Add("Mutation", "inviteUser", [this](const json& args) {
      return Mutation("inviteUser", state_.Invite(args.at("email"), args.at("accountType")));
    });
    r.Add("Mutation", "updateUserAccountType", [this](const json& args) {
      return Mutation("updateUserAccountType", state_.UpdateAccountType(args.at("uid"), args.at("accountType")));
    });
    r.Add("Mutation", "disableUser", [this](const json& args) {
      return Mutation("disableUser", state_.Disable(args.at("uid")));
    });
    return r;
  }

  gql::FieldResult Mutation(const char* counter, const std::optional<Refusal>& refusal) {
    counters_.Count(counter);
    counters_.Count("mutations");
    if (!refusal) counters_.Effect(counter);
    return refusal ? Refused(*refusal) : gql::FieldResult::Ok(json{{"ok", true}});
  }

  ControlAnswer Act(std::string_view action, const json& body) override;

  gql::Schema schema_;
  gql::Endpoint endpoint_;
  std::optional<WorkspaceCredentials> credentials_;  // guarded by mu_; none: every request is refused
};

ControlAnswer WorkspaceSim::Act(std::string_view action, const json& body) {
  auto str = [&](const char* key) -> std::optional<std::string> {
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  auto answer = [](const auto& outcome) -> ControlAnswer {
    if (auto* refusal = std::get_if<Refusal>(&outcome)) return ControlAnswer::Error(ControlStatus(*refusal), refusal->message);
    if constexpr (std::is_same_v<std::decay_t<decltype(outcome)>, std::variant<json, Refusal>>) {
      return {200, std::get<json>(outcome)};
    } else {
      return {200, ToJson(std::get<0>(outcome))};
    }
  };
  static constexpr std::string_view kActions[] = {"accept", "expire", "drift", "users", "invitations", "disable"};
  if (std::ranges::find(kActions, action) == std::end(kActions)) {
    return ControlAnswer::Error(404, "workspace has no control action \"" + std::string(action) + "\"");
  }
  std::optional<std::string> email = str("email");
  if (!email) return ControlAnswer::Error(400, "workspace " + std::string(action) + ": \"email\" (a string) is required");
  std::optional<std::string> type = str("accountType");
  bool needs_type = action == "drift" || action == "users" || action == "invitations";
  if (needs_type && (!type || !IsAccountType(schema_, *type))) {
    return ControlAnswer::Error(400, "workspace " + std::string(action) + ": \"accountType\" must be a UserAccountType value");
  }

  if (action == "accept") return answer(state_.Accept(*email, str("name")));
  if (action == "expire") return answer(state_.Expire(*email));
  if (action == "drift") return answer(state_.Drift(*email, *type));
  if (action == "users") return answer(state_.AddUser({str("uid").value_or(""), *email, str("name"), *type}));
  if (action == "invitations") return answer(state_.AddInvitation({*email, *type, str("inviteStatus").value_or("SENT")}));
  return answer(state_.DisableByEmail(*email));
}

}  // namespace

std::unique_ptr<Platform> MakeWorkspacePlatform() { return std::make_unique<WorkspaceSim>(); }

}  // namespace idsync::sim
