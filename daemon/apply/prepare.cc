#include "daemon/apply/prepare.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "config/loader.h"
#include "reconcile/grants_json.h"

namespace idsync {
namespace {

const DesiredUsers& DesiredFor(const Session& session, const std::string& platform) {
  static const DesiredUsers kNone;
  auto it = session.desired.find(platform);
  return it == session.desired.end() ? kNone : it->second;
}

PreparedPlatform Prepare(Session& session, const PlatformConfig& config, const PlanOptions& plan,
                         Env& env) {
  PreparedPlatform p;
  p.config = &config;
  p.planned.plan.platform = config.name;
  p.planned.plan.type = config.type;
  auto fail = [&](const Status& error) {
    p.planned.plan.error = error;
    spdlog::error("{}: {}", config.name, error.message());
  };
  auto connection = Connect(config, env);
  if (!connection.ok()) {
    fail(connection.status());
    return p;
  }
  p.connection = std::move(*connection);
  const DesiredUsers& desired = DesiredFor(session, config.name);
  auto managed = session.store->Managed(config.name);
  if (!managed.ok()) {
    fail(managed.status().WithContext("state"));
    return p;
  }
  auto live = ListPlatform(config, desired, *managed, *p.connection.connector, *session.store);
  if (!live.ok()) {
    fail(live.status());
    return p;
  }
  p.live = std::move(*live);
  p.fingerprint = LiveFingerprint(*p.live);
  ReconcileOptions options;
  options.plan = plan;
  options.listed = &*p.live;
  p.planned = ReconcilePlatform(config, desired, *p.connection.connector, *session.store, options,
                                env);
  if (!p.planned.plan.error.ok()) spdlog::error("{}: {}", config.name, p.planned.plan.error.message());
  return p;
}

}  // namespace

std::string LiveFingerprint(const LiveState& live) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& [email, u] : live.users) {  // a std::map: sorted by email
    users.push_back({email, u.id, LiveStatusName(u.status), u.raw_status, GrantsToJson(u.grants)});
  }
  nlohmann::json all = {{"users", std::move(users)}, {"catalog", live.catalog}, {"complete", live.complete}};
  return Sha256Hex(all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::vector<PreparedPlatform> PrepareAll(Session& session, const PlanOptions& plan, Env& env) {
  std::vector<PreparedPlatform> prepared;
  for (const PlatformConfig* config : session.selected) prepared.push_back(Prepare(session, *config, plan, env));
  return prepared;
}

Plan PlanOf(const std::vector<PreparedPlatform>& prepared) {
  Plan plan;
  for (const auto& p : prepared) plan.platforms.push_back(p.planned.plan);
  return plan;
}

std::vector<PlatformOutcome> ApplyPrepared(Session& session, std::vector<PreparedPlatform>& prepared,
                                           ReconcileOptions options, Env& env) {
  std::vector<PlatformOutcome> outcomes;
  options.apply = true;
  for (auto& p : prepared) {
    if (!p.live || !p.planned.plan.error.ok()) {
      outcomes.push_back(p.planned);
      continue;
    }
    options.listed = &*p.live;
    options.given_plan = &p.planned.plan;
    outcomes.push_back(ReconcilePlatform(*p.config, DesiredFor(session, p.config->name),
                                         *p.connection.connector, *session.store, options,
                                         env));
    if (!outcomes.back().plan.error.ok())
      spdlog::error("{}: {}", p.config->name, outcomes.back().plan.error.message());
  }
  return outcomes;
}

}  // namespace idsync
