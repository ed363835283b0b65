#include "sim/scim/scim.h"

#include <charconv>
#include <map>
#include <mutex>

#include "sim/scim/scim_state.h"
#include "sim/seed.h"

namespace idsync::sim {
namespace {

using nlohmann::json;
using scim::ScimFailure;

constexpr const char* kPrefix = "/scim/v2";
constexpr const char* kCounterNames[] = {
    "getServiceProviderConfig", "listUsers", "findUser", "getUser", "createUser", "patchUser",
    "deleteUser", "listGroups", "getGroup", "patchGroup", "requests", "mutations", "unauthorized"};

// A seed scalar as JSON: quoted scalars stay strings; plain true/false and integers
// become booleans and numbers.
json YamlToJson(const YAML::Node& node) {
  if (!node || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
    return out;
  }
  const std::string text = node.Scalar();
  if (node.Tag() == "!") return text;
  if (text == "true") return true;
  if (text == "false") return false;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return n;
  return text;
}

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

class ScimSim final : public Platform {
 public:
  ScimSim() { ResetCountersLocked(); }

  std::string name() const override { return "scim"; }

  std::string Seed(const YAML::Node& section) override {
    std::lock_guard lock(mu_);
    scim::State seeded;
    if (section && !section.IsNull()) {
      if (std::string error = ReadSeed(section, &seeded); !error.empty()) return error;
    }
    seed_ = seeded;
    state_ = std::move(seeded);
    return "";
  }

  void RegisterRoutes(Routes& server) override;

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

  // Counts the request; false (and a 401 SCIM error sent) when the bearer token is
  // missing or wrong. Never echoes what was sent. REQUIRES: mu_ held.
  bool Admit(const httplib::Request& req, httplib::Response& res, bool mutation) {
    ++counters_["requests"];
    if (!token_ || req.get_header_value("Authorization") != "Bearer " + *token_) {
      ++counters_["unauthorized"];
      Fail(res, {401, "", "Bearer token missing or invalid"});
      return false;
    }
    if (mutation) ++counters_["mutations"];
    return true;
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

  std::string ReadSeed(const YAML::Node& section, scim::State* out);

  mutable std::mutex mu_;  // guards everything below
  scim::State seed_;
  scim::State state_;
  std::optional<std::string> token_;
  std::map<std::string, int64_t> counters_;
};

void ScimSim::RegisterRoutes(Routes& server) {
  const std::string p = kPrefix;
  server.Get(p + "/ServiceProviderConfig", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, false)) return;
    ++counters_["getServiceProviderConfig"];
    Send(res, 200, state_.ServiceProviderConfigJson());
  });
  server.Get(p + "/Users", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, false)) return;
    if (req.has_param("filter")) {
      ++counters_["findUser"];
      ScimFailure failure;
      auto found = state_.FindUsers(req.get_param_value("filter"), &failure);
      return found ? Send(res, 200, *found) : Fail(res, failure);
    }
    ++counters_["listUsers"];
    const int64_t max = state_.config.max_results > 0 ? state_.config.max_results : 200;
    Send(res, 200, state_.ListUsers(IntParam(req, "startIndex", 1), std::min(IntParam(req, "count", max), max)));
  });
  server.Post(p + "/Users", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, true)) return;
    ++counters_["createUser"];
    auto body = Body(req, res);
    if (!body) return;
    ScimFailure failure;
    const scim::User* created = state_.Create(*body, &failure);
    created ? Send(res, 201, state_.UserJson(*created)) : Fail(res, failure);
  });
  server.Get(p + R"(/Users/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, false)) return;
    ++counters_["getUser"];
    const scim::User* u = state_.FindUser(req.matches[1].str());
    u ? Send(res, 200, state_.UserJson(*u)) : Fail(res, {404, "", "Resource " + req.matches[1].str() + " not found"});
  });
  server.Patch(p + R"(/Users/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, true)) return;
    ++counters_["patchUser"];
    if (!state_.config.patch) return Fail(res, {501, "", "PATCH is not supported"});
    auto body = Body(req, res);
    if (!body) return;
    if (auto failure = state_.PatchUser(req.matches[1].str(), *body)) return Fail(res, *failure);
    Send(res, 200, state_.UserJson(*state_.FindUser(req.matches[1].str())));
  });
  server.Delete(p + R"(/Users/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, true)) return;
    ++counters_["deleteUser"];
    if (!state_.DeleteUser(req.matches[1].str())) return Fail(res, {404, "", "Resource " + req.matches[1].str() + " not found"});
    Send(res, 204, nullptr);
  });
  server.Get(p + "/Groups", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, false)) return;
    ++counters_["listGroups"];
    if (req.has_param("filter")) return Fail(res, {400, "invalidFilter", "groups cannot be filtered here"});
    const int64_t max = state_.config.max_results > 0 ? state_.config.max_results : 200;
    Send(res, 200, state_.ListGroups(IntParam(req, "startIndex", 1), std::min(IntParam(req, "count", max), max)));
  });
  server.Get(p + R"(/Groups/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, false)) return;
    ++counters_["getGroup"];
    const scim::Group* g = state_.FindGroup(req.matches[1].str());
    g ? Send(res, 200, state_.GroupJson(*g)) : Fail(res, {404, "", "Resource " + req.matches[1].str() + " not found"});
  });
  server.Patch(p + R"(/Groups/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!Admit(req, res, true)) return;
    ++counters_["patchGroup"];
    if (!state_.config.patch) return Fail(res, {501, "", "PATCH is not supported"});
    auto body = Body(req, res);
    if (!body) return;
    if (auto failure = state_.PatchGroup(req.matches[1].str(), *body)) return Fail(res, *failure);
    Send(res, 200, state_.GroupJson(*state_.FindGroup(req.matches[1].str())));
  });
}

std::string ScimSim::ReadSeed(const YAML::Node& section, scim::State* out) {
  if (std::string e = CheckKeys(section, "scim", {"credentials", "config", "groups", "users"}); !e.empty()) return e;
  YAML::Node credentials = section["credentials"];
  if (!credentials) return SeedError(section, "seed: scim.credentials { token } is required");
  if (std::string e = CheckKeys(credentials, "scim.credentials", {"token"}); !e.empty()) return e;
  std::string error;
  token_ = ScalarAt(credentials, "token", "scim.credentials", &error);
  if (!error.empty()) return error;
  if (!token_) return SeedError(credentials, "seed: scim.credentials needs token");

  if (YAML::Node config = section["config"]; config && !config.IsNull()) {
    if (std::string e = CheckKeys(config, "scim.config", {"filter", "maxResults", "patch"}); !e.empty()) return e;
    json c = YamlToJson(config);
    for (const char* flag : {"filter", "patch"})
      if (c.contains(flag) && !c[flag].is_boolean()) return SeedError(config, std::string("seed: scim.config.") + flag + " must be true or false");
    if (c.contains("maxResults") && !c["maxResults"].is_number_integer())
      return SeedError(config, "seed: scim.config.maxResults must be an integer");
    out->config.filter = c.value("filter", true);
    out->config.patch = c.value("patch", true);
    out->config.max_results = c.value("maxResults", int64_t{200});
  }
  for (const char* list : {"groups", "users"}) {
    YAML::Node items = section[list];
    if (!items || items.IsNull()) continue;
    if (!items.IsSequence()) return SeedError(items, std::string("seed: scim.") + list + " must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string where = std::string("scim.") + list + "[" + std::to_string(i) + "]";
      const bool is_group = std::string_view(list) == "groups";
      if (std::string e = is_group ? CheckKeys(items[i], where, {"displayName", "id"})
                                   : CheckKeys(items[i], where, {"userName", "givenName", "familyName", "displayName",
                                                                 "active", "externalId", "groups", "id", "hidden"});
          !e.empty()) {
        return e;
      }
      json spec = YamlToJson(items[i]);
      auto failure = is_group ? out->AddGroup(spec, where) : out->AddUser(spec, where);
      if (failure) return SeedError(items[i], "seed: " + *failure);
    }
  }
  return "";
}

ControlAnswer ScimSim::Control(std::string_view action, const json& body) {
  std::lock_guard lock(mu_);
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
