#include "sim/workspace.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <variant>

#include "sim/graphql/endpoint.h"
#include "sim/graphql/schema.h"
#include "sim/seed.h"
#include "sim/workspace_schema.h"
#include "sim/workspace_state.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kCounterNames[] = {"listUsers", "inviteUser", "updateUserAccountType", "disableUser",
                                         "requests",  "mutations",  "unauthorized",          "rejected"};

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

class WorkspaceSim final : public Platform {
 public:
  WorkspaceSim() : schema_(LoadSchema()), endpoint_(&schema_, MakeResolvers()) { ResetCountersLocked(); }

  std::string name() const override { return "workspace"; }

  std::string Seed(const YAML::Node& section) override {
    std::lock_guard lock(mu_);
    WorkspaceState seeded;
    if (section && !section.IsNull()) {
      if (std::string error = ReadSeed(section, &seeded); !error.empty()) return error;
    }
    seed_ = seeded;
    state_ = std::move(seeded);
    return "";
  }

  void RegisterRoutes(Routes& server) override {
    server.Post("/workspace/graphql", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      ++counters_["requests"];
      if (std::string why = Unauthorized(req); !why.empty()) {
        ++counters_["unauthorized"];
        res.status = 401;
        res.set_content(json{{"errors", {{{"message", why}}}}}.dump(), "application/json");
        return;
      }
      gql::HttpAnswer answer = endpoint_.Handle(req.body);
      if (answer.status == 400) ++counters_["rejected"];
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
    json out(counters_);
    out["effects"] = effects_;
    return out;
  }

  void ResetCounters() override {
    std::lock_guard lock(mu_);
    ResetCountersLocked();
  }

 private:
  void ResetCountersLocked() {
    for (const char* counter : kCounterNames) counters_[counter] = 0;
    for (const char* mutation : {"inviteUser", "updateUserAccountType", "disableUser"}) effects_[mutation] = 0;
  }

  // "" when the request carries the seeded key and secret; else the 401 message.
  // Never echoes what was sent.
  std::string Unauthorized(const httplib::Request& req) const {
    if (!req.has_header("X-API-KEY") || !req.has_header("X-API-SECRET")) {
      return "Missing X-API-KEY or X-API-SECRET header.";
    }
    if (!api_key_ || req.get_header_value("X-API-KEY") != *api_key_ ||
        req.get_header_value("X-API-SECRET") != *api_secret_) {
      return "Invalid API key or secret.";
    }
    return "";
  }

  // Resolvers run under mu_, taken by the route handler.
  gql::Resolvers MakeResolvers() {
    gql::Resolvers r;
    r.Add("Query", "listUsers", [this](const json&) {
      ++counters_["listUsers"];
      json result = {{"ok", true}, {"activeUsers", json::array()}, {"invitedUsers", json::array()}};
      for (const WorkspaceUser& u : state_.users()) result["activeUsers"].push_back(ToJson(u));
      for (const WorkspaceInvitation& i : state_.invitations()) result["invitedUsers"].push_back(ToJson(i));
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
    ++counters_[counter];
    ++counters_["mutations"];
    if (!refusal) ++effects_[counter];
    return refusal ? Refused(*refusal) : gql::FieldResult::Ok(json{{"ok", true}});
  }

  bool IsAccountType(const std::string& value) const {
    return schema_.Find("UserAccountType")->HasEnumValue(value);
  }

  std::string ReadSeed(const YAML::Node& section, WorkspaceState* out);
  std::string ReadSeedUser(const YAML::Node& node, const std::string& where, WorkspaceUser* out);

  gql::Schema schema_;
  gql::Endpoint endpoint_;
  mutable std::mutex mu_;  // guards everything below
  WorkspaceState seed_;
  WorkspaceState state_;
  std::optional<std::string> api_key_, api_secret_;
  std::map<std::string, int64_t> counters_;
  std::map<std::string, int64_t> effects_;  // mutations applied (not refused), by name
};

std::string WorkspaceSim::ReadSeedUser(const YAML::Node& node, const std::string& where, WorkspaceUser* out) {
  if (std::string e = CheckKeys(node, where, {"email", "name", "accountType", "uid"}); !e.empty()) return e;
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto name = ScalarAt(node, "name", where, &error);
  auto type = ScalarAt(node, "accountType", where, &error);
  auto uid = ScalarAt(node, "uid", where, &error);
  if (!error.empty()) return error;
  if (!email) return SeedError(node, "seed: " + where + ": email is required");
  if (!type || !IsAccountType(*type)) {
    return SeedError(node, "seed: " + where + ": accountType must be a UserAccountType value, got \"" +
                               type.value_or("") + "\"");
  }
  if (uid && (uid->size() != 64 || uid->find_first_not_of("0123456789abcdef") != std::string::npos)) {
    return SeedError(node, "seed: " + where + ": uid must be 64 lowercase hex characters");
  }
  *out = WorkspaceUser{uid.value_or(""), *email, name, *type};
  return "";
}

std::string WorkspaceSim::ReadSeed(const YAML::Node& section, WorkspaceState* out) {
  if (std::string e = CheckKeys(section, "workspace", {"credentials", "users", "invitations", "disabled"}); !e.empty()) {
    return e;
  }
  YAML::Node credentials = section["credentials"];
  if (!credentials) return SeedError(section, "seed: workspace.credentials { api_key, api_secret } is required");
  if (std::string e = CheckKeys(credentials, "workspace.credentials", {"api_key", "api_secret"}); !e.empty()) return e;
  std::string error;
  api_key_ = ScalarAt(credentials, "api_key", "workspace.credentials", &error);
  api_secret_ = ScalarAt(credentials, "api_secret", "workspace.credentials", &error);
  if (!error.empty()) return error;
  if (!api_key_ || !api_secret_) return SeedError(credentials, "seed: workspace.credentials needs api_key and api_secret");

  for (const char* list : {"users", "disabled", "invitations"}) {
    YAML::Node items = section[list];
    if (!items || items.IsNull()) continue;
    if (!items.IsSequence()) return SeedError(items, std::string("seed: workspace.") + list + " must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      std::string where = std::string("workspace.") + list + "[" + std::to_string(i) + "]";
      if (std::string_view(list) == "invitations") {
        if (std::string e = CheckKeys(items[i], where, {"email", "accountType", "inviteStatus"}); !e.empty()) return e;
        auto email = ScalarAt(items[i], "email", where, &error);
        auto type = ScalarAt(items[i], "accountType", where, &error);
        auto status = ScalarAt(items[i], "inviteStatus", where, &error);
        if (!error.empty()) return error;
        if (!email) return SeedError(items[i], "seed: " + where + ": email is required");
        if (!type || !IsAccountType(*type)) {
          return SeedError(items[i], "seed: " + where + ": accountType must be a UserAccountType value");
        }
        auto added = out->AddInvitation({*email, *type, status.value_or("SENT")});
        if (auto* refusal = std::get_if<Refusal>(&added)) return SeedError(items[i], "seed: " + where + ": " + refusal->message);
        continue;
      }
      WorkspaceUser user;
      if (std::string e = ReadSeedUser(items[i], where, &user); !e.empty()) return e;
      if (std::string_view(list) == "disabled") {
        out->AddDisabled(std::move(user));
        continue;
      }
      auto added = out->AddUser(std::move(user));
      if (auto* refusal = std::get_if<Refusal>(&added)) return SeedError(items[i], "seed: " + where + ": " + refusal->message);
    }
  }
  return "";
}

ControlAnswer WorkspaceSim::Control(std::string_view action, const json& body) {
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
  if (needs_type && (!type || !IsAccountType(*type))) {
    return ControlAnswer::Error(400, "workspace " + std::string(action) + ": \"accountType\" must be a UserAccountType value");
  }

  std::lock_guard lock(mu_);
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
