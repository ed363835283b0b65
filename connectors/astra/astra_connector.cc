#include "connectors/astra/astra_connector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "connectors/astra/astra_roles.h"
#include "connectors/failure_context.h"
#include "core/text.h"
#include "core/url.h"

namespace idsync {
namespace {

using nlohmann::json;

constexpr const char* kUsersPath = "/v2/organizations/users";
constexpr const char* kRolesPath = "/v2/organizations/roles";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

json RoleIds(const Grants& grants) {
  json ids = json::array();
  for (const std::string& id : grants.set) ids.push_back(id);  // std::set: sorted
  return ids;
}

// `email`: user.email normalised.
LiveUser ToLive(const std::string& instance, const std::string& email, const astra_wire::User& user) {
  LiveUser live;
  live.id = user.id;
  live.raw_status = user.status;
  const std::string status = Lower(user.status);
  if (status == "invited") {
    live.status = LiveStatus::kPending;
  } else {
    live.status = LiveStatus::kActive;
    if (status != "active") {
      spdlog::warn("astra {}: {} has Status \"{}\"; treated as present", instance, email,
                   user.status);
    }
  }
  live.grants.set.insert(user.role_ids.begin(), user.role_ids.end());
  return live;
}

}  // namespace

AstraConnector::AstraConnector(std::string instance, std::string url, std::string token,
                               std::optional<std::string> org, HttpClient& http)
    : instance_(std::move(instance)),
      url_([&] {
        while (!url.empty() && url.back() == '/') url.pop_back();
        return std::move(url);
      }()),
      token_(std::move(token)),
      org_(std::move(org)),
      http_(http) {}

std::string AstraConnector::What(std::string_view operation, std::string_view email) const {
  return FailureContext(type(), instance_, operation, email);
}

std::string AstraConnector::UserPath(const std::string& user_id) const {
  return std::string(kUsersPath) + "/" + PercentEncode(user_id);
}

StatusOr<HttpResponse> AstraConnector::Send(std::string method, const std::string& path,
                                            const std::string& body,
                                            const std::string& what) const {
  HttpRequest request;
  request.method = std::move(method);
  request.url = url_ + path;
  request.headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  StatusOr<HttpResponse> response = http_.Send(request);
  if (!response.ok()) return response.status().WithContext(what);
  return response;
}

StatusOr<LiveState> AstraConnector::List(const ListContext& context) {
  (void)context;  // one request lists everyone
  const std::string what_users = What("list users", "");
  StatusOr<HttpResponse> users_answer = Send("GET", kUsersPath, "", what_users);
  if (!users_answer.ok()) return users_answer.status();
  if (Status s = astra_wire::AnswerStatus(*users_answer, what_users); !s.ok()) return s;
  StatusOr<astra_wire::UsersAnswer> users = astra_wire::ParseUsers(users_answer->body, what_users);
  if (!users.ok()) return users.status();
  if (org_ && Lower(*org_) != Lower(users->org_id)) {
    return FailedPrecondition(What("list users", "") + ": the token belongs to organization " +
                              users->org_id + " (" + users->org_name + "), not to org: " + *org_ +
                              " of the manifest; nothing is applied");
  }

  const std::string what_roles = What("list roles", "");
  StatusOr<HttpResponse> roles_answer = Send("GET", kRolesPath, "", what_roles);
  if (!roles_answer.ok()) return roles_answer.status();
  if (Status s = astra_wire::AnswerStatus(*roles_answer, what_roles); !s.ok()) return s;
  StatusOr<std::vector<astra_wire::Role>> roles =
      astra_wire::ParseRoles(roles_answer->body, what_roles);
  if (!roles.ok()) return roles.status();

  LiveState state;
  state.catalog = astra_roles::Catalog(*roles);
  for (const astra_wire::User& user : users->users) {
    std::string email = NormalizeEmail(user.email);
    if (email.empty()) continue;  // ParseUsers requires an Email; trimming left none
    LiveUser live = ToLive(instance_, email, user);
    auto [it, inserted] = state.users.try_emplace(email, live);
    if (!inserted) {
      spdlog::warn("astra {}: {} is listed twice (UserID {} and {}); keeping the first", instance_,
                   email, it->second.id, live.id);
    }
  }
  std::lock_guard lock(mu_);
  listed_org_ = users->org_id;
  roles_ = std::move(roles).value();
  return state;
}

StatusOr<Grants> AstraConnector::Resolve(const Grants& desired, const LiveState& live) {
  std::vector<astra_wire::Role> roles;
  {
    std::lock_guard lock(mu_);
    // The full listing sees roles sharing a name; a catalog alone cannot.
    roles = astra_roles::Catalog(roles_) == live.catalog ? roles_
                                                         : astra_roles::FromCatalog(live.catalog);
  }
  StatusOr<std::set<std::string>> ids =
      astra_roles::Resolve(desired.set, roles, "astra " + instance_);
  if (!ids.ok()) return ids.status();
  Grants resolved;
  resolved.set = std::move(ids).value();
  return resolved;
}

Status AstraConnector::Invite(const Action& action) {
  const std::string what = What("invite", action.email);
  if (action.after.set.empty()) return InvalidArgument(what + ": no roles to invite with");
  std::string org;
  {
    std::lock_guard lock(mu_);
    org = org_.value_or(listed_org_);
  }
  if (org.empty()) return FailedPrecondition(what + ": the organization is not known yet (list first)");
  std::string email = Trim(action.profile.email_as_written);
  if (email.empty()) email = action.email;

  const json body = {{"email", email}, {"orgID", org}, {"roles", RoleIds(action.after)}};
  StatusOr<HttpResponse> response = Send("PUT", kUsersPath, body.dump(), what);
  if (!response.ok()) return response.status();
  if (response->status == 409) {
    spdlog::info("astra {}: {} is already a member ({}); its roles converge next reconcile",
                 instance_, action.email, astra_wire::ErrorMessages(response->body));
    return OkStatus();
  }
  return astra_wire::AnswerStatus(*response, what);
}

Status AstraConnector::ChangeGrants(const Action& action) {
  const std::string what = What("set roles of", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no UserID known");
  if (action.after.set.empty()) return InvalidArgument(what + ": no roles to set");
  const json body = {{"roles", RoleIds(action.after)}};
  StatusOr<HttpResponse> response =
      Send("PUT", UserPath(action.user_id) + "/roles", body.dump(), what);
  if (!response.ok()) return response.status();
  return astra_wire::AnswerStatus(*response, what);
}

Status AstraConnector::Remove(const Action& action) {
  const std::string what = What("remove", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no UserID known");
  StatusOr<HttpResponse> response = Send("DELETE", UserPath(action.user_id), "", what);
  if (!response.ok()) return response.status();
  if (response->status == 404) {
    spdlog::info("astra {}: {} is already gone", instance_, action.email);
    return OkStatus();
  }
  return astra_wire::AnswerStatus(*response, what);
}

StatusOr<std::unique_ptr<Connector>> MakeAstraConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets,
                                                      ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeAstraConnector: no HTTP client given");
  StatusOr<std::string> token = secrets(config, "token");
  if (!token.ok()) return token.status();
  return std::unique_ptr<Connector>(std::make_unique<AstraConnector>(
      config.name, config.url, std::move(token).value(), config.org, *env.http));
}

}  // namespace idsync
