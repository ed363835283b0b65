#include "sim/scim/scim.h"

#include <charconv>

#include "sim/platform_base.h"
#include "sim/scim/scim_seed.h"
#include "sim/scim/scim_state.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using scim::ScimFailure;

constexpr const char* kPrefix = "/scim/v2";

// A positive integer query parameter, or `fallback`.
int64_t IntParam(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() ? n : fallback;
}

void Send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  if (status != 204) res.set_content(body.dump(), "application/scim+json");
}

void Fail(httplib::Response& res, const ScimFailure& failure) { Send(res, failure.status, failure.Body()); }

ScimFailure NotFound(const std::string& id) { return {404, "", "Resource " + id + " not found"}; }

class ScimSim final : public PlatformBase<scim::State> {
 public:
  ScimSim()
      : PlatformBase("scim",
                     {"getServiceProviderConfig", "listUsers", "findUser", "getUser", "createUser", "patchUser",
                      "deleteUser", "listGroups", "getGroup", "patchGroup"},
                     {"createUser", "patchUser", "deleteUser", "patchGroup"}) {}

  void RegisterRoutes(Routes& routes) override;

 private:
  // A seed that fails is never served, so a token read before the error is harmless.
  std::string ReadSeed(const YAML::Node& section, scim::State* out) override {
    return scim::ReadSeed(section, out, &token_);
  }

  // Never echoes what was sent.
  bool Authorized(const httplib::Request& req) override {
    return !token_.empty() && req.get_header_value("Authorization") == "Bearer " + token_;
  }

  void RefuseUnauthorized(const httplib::Request&, httplib::Response& res) override {
    Fail(res, {401, "", "Bearer token missing or invalid"});
  }

  // The request body as JSON, or a 400 invalidSyntax sent.
  static std::optional<json> Body(const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      Fail(res, {400, "invalidSyntax", "the body is not JSON"});
      return std::nullopt;
    }
    return body;
  }

  // The page size asked for, capped at the configured maxResults.
  int64_t Count(const httplib::Request& req) const {
    const int64_t max = state_.config.max_results > 0 ? state_.config.max_results : 200;
    return std::min(IntParam(req, "count", max), max);
  }

  // PATCH /Users/{id} or /Groups/{id}: 501 unless the config allows PATCH; else the
  // PatchOp body through `apply`, answered with the resource as `show` renders it.
  using PatchMethod = std::optional<ScimFailure> (scim::State::*)(const std::string&, const json&);
  Handler Patch(PatchMethod apply, std::function<json(const std::string&)> show) {
    return [this, apply, show = std::move(show)](const httplib::Request& req, httplib::Response& res) {
      if (!state_.config.patch) return Fail(res, {501, "", "PATCH is not supported"});
      auto body = Body(req, res);
      if (!body) return;
      const std::string id = req.matches[1].str();
      if (auto failure = (state_.*apply)(id, *body)) return Fail(res, *failure);
      Send(res, 200, show(id));
    };
  }

  void RegisterUserRoutes(Routes& routes);
  void RegisterGroupRoutes(Routes& routes);
  ControlAnswer Act(std::string_view action, const json& body) override;

  std::string token_;  // guarded by mu_; "": every request is refused
};

void ScimSim::RegisterRoutes(Routes& routes) {
  routes.Get(std::string(kPrefix) + "/ServiceProviderConfig",
             Rest("getServiceProviderConfig", false, [this](const httplib::Request&, httplib::Response& res) {
               Send(res, 200, state_.ServiceProviderConfigJson());
             }));
  RegisterUserRoutes(routes);
  RegisterGroupRoutes(routes);
}

void ScimSim::RegisterUserRoutes(Routes& routes) {
  const std::string users = std::string(kPrefix) + "/Users";
  const std::string user = users + "/([^/]+)";
  routes.Get(users, Rest(nullptr, false, [this](const httplib::Request& req, httplib::Response& res) {
               if (req.has_param("filter")) {
                 counters_.Count("findUser");
                 ScimFailure failure;
                 auto found = state_.FindUsers(req.get_param_value("filter"), &failure);
                 return found ? Send(res, 200, *found) : Fail(res, failure);
               }
               counters_.Count("listUsers");
               Send(res, 200, state_.ListUsers(IntParam(req, "startIndex", 1), Count(req)));
             }));
  routes.Post(users, Rest("createUser", true, [this](const httplib::Request& req, httplib::Response& res) {
                auto body = Body(req, res);
                if (!body) return;
                ScimFailure failure;
                const scim::User* created = state_.Create(*body, &failure);
                created ? Send(res, 201, state_.UserJson(*created)) : Fail(res, failure);
              }));
  routes.Get(user, Rest("getUser", false, [this](const httplib::Request& req, httplib::Response& res) {
               const scim::User* u = state_.FindUser(req.matches[1].str());
               u ? Send(res, 200, state_.UserJson(*u)) : Fail(res, NotFound(req.matches[1].str()));
             }));
  routes.Patch(user, Rest("patchUser", true, Patch(&scim::State::PatchUser, [this](const std::string& id) {
                            return state_.UserJson(*state_.FindUser(id));
                          })));
  routes.Delete(user, Rest("deleteUser", true, [this](const httplib::Request& req, httplib::Response& res) {
                  if (!state_.DeleteUser(req.matches[1].str())) return Fail(res, NotFound(req.matches[1].str()));
                  Send(res, 204, nullptr);
                }));
}

void ScimSim::RegisterGroupRoutes(Routes& routes) {
  const std::string groups = std::string(kPrefix) + "/Groups";
  const std::string group = groups + "/([^/]+)";
  routes.Get(groups, Rest("listGroups", false, [this](const httplib::Request& req, httplib::Response& res) {
               if (req.has_param("filter")) return Fail(res, {400, "invalidFilter", "groups cannot be filtered here"});
               Send(res, 200, state_.ListGroups(IntParam(req, "startIndex", 1), Count(req)));
             }));
  routes.Get(group, Rest("getGroup", false, [this](const httplib::Request& req, httplib::Response& res) {
               const scim::Group* g = state_.FindGroup(req.matches[1].str());
               g ? Send(res, 200, state_.GroupJson(*g)) : Fail(res, NotFound(req.matches[1].str()));
             }));
  routes.Patch(group, Rest("patchGroup", true, Patch(&scim::State::PatchGroup, [this](const std::string& id) {
                             return state_.GroupJson(*state_.FindGroup(id));
                           })));
}

ControlAnswer ScimSim::Act(std::string_view action, const json& body) {
  if (action == "users") {
    if (auto error = state_.AddUser(body, "scim users")) return ControlAnswer::Error(400, *error);
    return {200, state_.Dump()};
  }
  if (action == "drift") {
    if (auto failure = state_.Drift(body)) return ControlAnswer::Error(failure->status, failure->detail);
    return {200, state_.Dump()};
  }
  if (action == "config") {
    for (const char* flag : {"filter", "patch"}) {
      if (!body.contains(flag)) continue;
      if (!body[flag].is_boolean()) return ControlAnswer::Error(400, std::string("scim config: ") + flag + " must be true or false");
      (std::string_view(flag) == "filter" ? state_.config.filter : state_.config.patch) = body[flag].get<bool>();
    }
    if (body.contains("maxResults")) {
      if (!body["maxResults"].is_number_integer()) return ControlAnswer::Error(400, "scim config: maxResults must be an integer");
      state_.config.max_results = body["maxResults"].get<int64_t>();
    }
    return {200, state_.Dump()["config"]};
  }
  return ControlAnswer::Error(404, "scim has no control action \"" + std::string(action) + "\"");
}

}  // namespace

std::unique_ptr<Platform> MakeScimPlatform() { return std::make_unique<ScimSim>(); }

}  // namespace idsync::sim
