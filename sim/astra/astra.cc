#include "sim/astra/astra.h"

#include <algorithm>
#include <optional>

#include "sim/astra/astra_seed.h"
#include "sim/astra/astra_state.h"
#include "sim/platform_base.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kUsers = "/astra/v2/organizations/users";
constexpr const char* kUser = R"(/astra/v2/organizations/users/([^/]+))";
constexpr const char* kUserRoles = R"(/astra/v2/organizations/users/([^/]+)/roles)";

void Send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& res, const ApiError& error) {
  Send(res, error.status, json{{"errors", {{{"ID", error.status}, {"message", error.message}}}}});
}

// A request body read strictly: a JSON object with only `allowed` keys, all of them
// present, each of the type `check` accepts. Returns the object, or the 400/422.
std::variant<json, ApiError> ReadBody(const httplib::Request& req, std::initializer_list<std::string_view> allowed) {
  const std::string type = req.get_header_value("Content-Type");
  if (!type.starts_with("application/json")) return ApiError{400, "Content-Type must be application/json"};
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return ApiError{400, "the request body is not valid JSON"};
  if (!body.is_object()) return ApiError{400, "the request body must be a JSON object"};
  for (const auto& [key, value] : body.items()) {
    if (std::ranges::find(allowed, key) == allowed.end()) return ApiError{400, "unknown field \"" + key + "\""};
  }
  for (std::string_view key : allowed) {
    if (!body.contains(key)) return ApiError{422, "\"" + std::string(key) + "\" is required"};
  }
  return body;
}

// The strings of body[key], or 400 when it is not an array of strings.
std::variant<std::vector<std::string>, ApiError> Strings(const json& body, const char* key) {
  const json& value = body.at(key);
  if (!value.is_array()) return ApiError{400, std::string("\"") + key + "\" must be an array of strings"};
  std::vector<std::string> out;
  for (const json& item : value) {
    if (!item.is_string()) return ApiError{400, std::string("\"") + key + "\" must be an array of strings"};
    out.push_back(item.get<std::string>());
  }
  return out;
}

class AstraSim final : public PlatformBase<AstraState> {
 public:
  AstraSim()
      : PlatformBase("astra", {"listUsers", "getUser", "inviteUser", "setRoles", "deleteUser", "listRoles", "currentOrg"},
                     {"inviteUser", "setRoles", "deleteUser"}) {}

  void RegisterRoutes(Routes& routes) override;

 private:
  // A seed that fails is never served, so a token read before the error is harmless.
  std::string ReadSeed(const YAML::Node& section, AstraState* out) override {
    return ReadAstraSeed(section, out, &token_);
  }

  void SeedWithoutSection(AstraState* out) override {
    for (const std::string& role : AstraState::DefaultRoleNames()) out->AddRole({"", role});
  }

  // Never echoes what was sent.
  bool Authorized(const httplib::Request& req) override {
    return !token_.empty() && req.get_header_value("Authorization") == "Bearer " + token_;
  }

  void RefuseUnauthorized(const httplib::Request&, httplib::Response& res) override {
    SendError(res, {401, "the application token is missing or invalid"});
  }

  void Invite(const httplib::Request& req, httplib::Response& res);
  void SetRoles(const httplib::Request& req, httplib::Response& res);
  // A control body's "roles" (names) as ids, or the refusal.
  std::variant<std::vector<std::string>, ApiError> ControlRoles(const json& body) const;
  ControlAnswer Act(std::string_view action, const json& body) override;

  std::string token_;  // guarded by mu_; "": every request is refused
};

void AstraSim::RegisterRoutes(Routes& server) {
  server.Get(kUsers, Rest("listUsers", false, [this](const httplib::Request&, httplib::Response& res) {
               Send(res, 200, state_.UsersJson());
             }));
  server.Put(kUsers, Rest("inviteUser", true, [this](const httplib::Request& req, httplib::Response& res) {
               Invite(req, res);
             }));
  server.Put(kUserRoles, Rest("setRoles", true, [this](const httplib::Request& req, httplib::Response& res) {
               SetRoles(req, res);
             }));
  server.Get(kUser, Rest("getUser", false, [this](const httplib::Request& req, httplib::Response& res) {
               const AstraUser* user = state_.FindById(req.matches[1].str());
               if (!user) return SendError(res, {404, "user " + req.matches[1].str() + " not found in the organization"});
               Send(res, 200, state_.UserJson(*user));
             }));
  server.Delete(kUser, Rest("deleteUser", true, [this](const httplib::Request& req, httplib::Response& res) {
                  if (auto error = state_.Delete(req.matches[1].str())) return SendError(res, *error);
                  res.status = 204;
                }));
  server.Get("/astra/v2/organizations/roles", Rest("listRoles", false, [this](const httplib::Request&, httplib::Response& res) {
               Send(res, 200, state_.RolesJson());
             }));
  server.Get("/astra/v2/currentOrg", Rest("currentOrg", false, [this](const httplib::Request&, httplib::Response& res) {
               Send(res, 200, json{{"id", state_.org_id}, {"name", state_.org_name}});
             }));
  // Anything else under /astra: the errors body a real server would give.
  auto not_found = [](const httplib::Request& req, httplib::Response& res) {
    SendError(res, {404, "no route " + req.method + " " + req.path});
  };
  server.Get("/astra/.*", not_found);
  server.Put("/astra/.*", not_found);
  server.Post("/astra/.*", not_found);
  server.Delete("/astra/.*", not_found);
  server.Patch("/astra/.*", not_found);
}

void AstraSim::Invite(const httplib::Request& req, httplib::Response& res) {
  auto body = ReadBody(req, {"email", "orgID", "roles"});
  if (auto* error = std::get_if<ApiError>(&body)) return SendError(res, *error);
  const json& invite = std::get<json>(body);
  if (!invite["email"].is_string() || !invite["orgID"].is_string()) {
    return SendError(res, {400, "\"email\" and \"orgID\" must be strings"});
  }
  auto roles = Strings(invite, "roles");
  if (auto* error = std::get_if<ApiError>(&roles)) return SendError(res, *error);
  const std::string email = invite["email"].get<std::string>();
  if (email.find('@') == std::string::npos) return SendError(res, {422, "\"" + email + "\" is not an email address"});
  auto invited = state_.Invite(email, invite["orgID"].get<std::string>(), std::get<std::vector<std::string>>(roles));
  if (auto* error = std::get_if<ApiError>(&invited)) return SendError(res, *error);
  Send(res, 200, state_.UserJson(std::get<AstraUser>(invited)));
}

void AstraSim::SetRoles(const httplib::Request& req, httplib::Response& res) {
  auto body = ReadBody(req, {"roles"});
  if (auto* error = std::get_if<ApiError>(&body)) return SendError(res, *error);
  auto roles = Strings(std::get<json>(body), "roles");
  if (auto* error = std::get_if<ApiError>(&roles)) return SendError(res, *error);
  if (auto error = state_.SetRoles(req.matches[1].str(), std::get<std::vector<std::string>>(roles))) {
    return SendError(res, *error);
  }
  res.status = 204;
}

std::variant<std::vector<std::string>, ApiError> AstraSim::ControlRoles(const json& body) const {
  if (!body.contains("roles")) return ApiError{400, "\"roles\" (a list of role names) is required"};
  auto names = Strings(body, "roles");
  if (auto* error = std::get_if<ApiError>(&names)) return *error;
  auto ids = state_.RoleIdsByName(std::get<std::vector<std::string>>(names));
  if (auto* error = std::get_if<ApiError>(&ids)) return ApiError{400, error->message};
  return ids;
}

ControlAnswer AstraSim::Act(std::string_view action, const json& body) {
  static constexpr std::string_view kActions[] = {"accept", "drift", "users"};
  if (std::ranges::find(kActions, action) == std::end(kActions)) {
    return ControlAnswer::Error(404, "astra has no control action \"" + std::string(action) + "\"");
  }
  if (!body.contains("email") || !body["email"].is_string()) {
    return ControlAnswer::Error(400, "astra " + std::string(action) + ": \"email\" (a string) is required");
  }
  const std::string email = body["email"].get<std::string>();
  auto answer = [this](const std::variant<AstraUser, ApiError>& outcome) -> ControlAnswer {
    if (auto* error = std::get_if<ApiError>(&outcome)) return ControlAnswer::Error(error->status, error->message);
    json dumped = state_.Dump();
    const std::string& id = std::get<AstraUser>(outcome).id;
    for (const json& user : dumped["users"]) {
      if (user["id"] == id) return {200, user};
    }
    return {200, json::object()};
  };

  if (action == "accept") return answer(state_.Accept(email));
  auto roles = ControlRoles(body);
  if (auto* error = std::get_if<ApiError>(&roles)) return ControlAnswer::Error(error->status, error->message);
  auto& ids = std::get<std::vector<std::string>>(roles);
  if (action == "drift") return answer(state_.Drift(email, std::move(ids)));

  auto text = [&](const char* key, const char* fallback) -> std::optional<std::string> {
    if (!body.contains(key)) return fallback;
    if (!body[key].is_string()) return std::nullopt;
    return body[key].get<std::string>();
  };
  const std::optional<std::string> status = text("status", "active");
  if (status != "active" && status != "invited") {
    return ControlAnswer::Error(400, "astra users: \"status\" must be active or invited");
  }
  const std::optional<std::string> id = text("id", "");
  if (!id) return ControlAnswer::Error(400, "astra users: \"id\" must be a string");
  return answer(state_.AddUser({*id, email, *status, std::move(ids), *status == "invited" ? 1 : 0}));
}

}  // namespace

std::unique_ptr<Platform> MakeAstraPlatform() { return std::make_unique<AstraSim>(); }

}  // namespace idsync::sim
