#include "sim/platform_base.h"

namespace idsync::sim {

using nlohmann::json;

RequestCounters::RequestCounters(std::vector<std::string> names, std::vector<std::string> effects)
    : names_(std::move(names)), effect_names_(std::move(effects)) {
  for (const char* total : {"requests", "mutations", "unauthorized"}) names_.emplace_back(total);
  Reset();
}

void RequestCounters::Reset() {
  counts_.clear();
  effects_.clear();
  for (const std::string& name : names_) counts_[name] = 0;
  for (const std::string& name : effect_names_) effects_[name] = 0;
}

json RequestCounters::Json() const {
  json out(counts_);
  if (!effect_names_.empty()) out["effects"] = effects_;
  return out;
}

PlatformCore::PlatformCore(std::string name, std::vector<std::string> counters, std::vector<std::string> effects)
    : counters_(std::move(counters), std::move(effects)), name_(std::move(name)) {}

json PlatformCore::Counters() const {
  std::lock_guard lock(mu_);
  return counters_.Json();
}

void PlatformCore::ResetCounters() {
  std::lock_guard lock(mu_);
  counters_.Reset();
}

ControlAnswer PlatformCore::Control(std::string_view action, const json& body) {
  std::lock_guard lock(mu_);
  return Act(action, body);
}

void PlatformCore::RefuseUnauthorized(const httplib::Request&, httplib::Response& res) {
  res.status = 401;
  res.set_content(json{{"errors", {{{"message", "unauthenticated"}}}}}.dump(), "application/json");
}

httplib::Server::Handler PlatformCore::Rest(const char* operation, bool mutation, Handler handler) {
  return [this, operation, mutation, handler = std::move(handler)](const httplib::Request& req,
                                                                  httplib::Response& res) {
    std::lock_guard lock(mu_);
    counters_.Count("requests");
    if (!Authorized(req)) {
      counters_.Count("unauthorized");
      return RefuseUnauthorized(req, res);
    }
    if (operation) counters_.Count(operation);
    if (mutation) counters_.Count("mutations");
    handler(req, res);
    if (mutation && operation && res.status >= 200 && res.status < 300) counters_.Effect(operation);
  };
}

void PlatformCore::PostGraphql(Routes& routes, const std::string& path, const gql::Endpoint* endpoint,
                               Unauthenticated when) {
  routes.Post(path, [this, endpoint, when](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    counters_.Count("requests");
    if (!Authorized(req)) {
      counters_.Count("unauthorized");
      if (when == Unauthenticated::kRefuseRequest) return RefuseUnauthorized(req, res);
    }
    gql::HttpAnswer answer = endpoint->Handle(req.body);
    if (answer.status == 400) counters_.Count("rejected");
    res.status = answer.status;
    res.set_content(answer.body.dump(), "application/json");
  });
}

}  // namespace idsync::sim
