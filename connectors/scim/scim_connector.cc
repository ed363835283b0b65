// ScimConnector: transport and the mutating calls. Listing is in scim_list.cc.
#include "connectors/scim/scim_connector.h"
#include "connectors/failure_context.h"
#include "core/url.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace idsync {
namespace {

using nlohmann::json;

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

ScimConnector::ScimConnector(std::string instance, std::string url, std::string token, HttpClient& http)
    : instance_(std::move(instance)),
      base_(WithoutTrailingSlash(std::move(url))),
      token_(std::move(token)),
      http_(http) {}

std::string ScimConnector::What(std::string_view operation, std::string_view email) const {
  return FailureContext(type(), instance_, operation, email);
}

StatusOr<HttpResponse> ScimConnector::Send(const std::string& method, const std::string& path,
                                           const json* body, const std::string& what) const {
  HttpRequest request;
  request.method = method;
  request.url = base_ + path;
  request.headers = {{"Authorization", "Bearer " + token_}, {"Accept", scim::kAccept}};
  if (body) {
    request.headers.emplace_back("Content-Type", scim::kScimJson);
    request.body = body->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  StatusOr<HttpResponse> answer = http_.Send(request);
  if (!answer.ok()) return answer.status().WithContext(what);
  return answer;
}

Status ScimConnector::PatchGroup(const std::string& group, const json& body, const std::string& what) const {
  StatusOr<HttpResponse> answer = Send("PATCH", "/Groups/" + PercentEncode(group), &body, what);
  if (!answer.ok()) return answer.status();
  return scim::AnswerStatus(*answer, what);
}

Status ScimConnector::ChangeMembers(const std::string& email, const std::string& user_id,
                                    const Grants& before, const Grants& after) const {
  for (const std::string& group : after.set) {
    if (before.set.count(group)) continue;
    const std::string what = What("add", email) + " to group " + group;
    if (Status s = PatchGroup(group, scim::AddMemberBody(user_id), what); !s.ok()) return s;
  }
  for (const std::string& group : before.set) {
    if (after.set.count(group)) continue;
    const std::string what = What("remove", email) + " from group " + group;
    if (Status s = PatchGroup(group, scim::RemoveMemberBody(user_id), what); !s.ok()) return s;
  }
  return OkStatus();
}

Status ScimConnector::Invite(const Action& action) {
  const std::string what = What("create", action.email);
  const json body = scim::CreateUserBody(action.email, action.profile);
  StatusOr<HttpResponse> answer = Send("POST", "/Users", &body, what);
  if (!answer.ok()) return answer.status();
  std::string user_id;
  if (answer->status == 409) {
    Status conflict = scim::AnswerStatus(*answer, what);
    StatusOr<std::string> found = FindUserId(action.email, what);
    if (!found.ok()) return Status(found.status().code(), conflict.message() + "; " + found.status().message());
    spdlog::info("scim {}: {} already exists (id {}); adopted", instance_, action.email, *found);
    user_id = *found;
  } else {
    if (Status s = scim::AnswerStatus(*answer, what); !s.ok()) return s;
    StatusOr<scim::ScimUser> created = scim::ParseUser(answer->body);
    if (!created.ok()) return Internal(what + ": " + created.status().message());
    user_id = created->id;
  }
  return ChangeMembers(action.email, user_id, Grants{}, action.after);
}

Status ScimConnector::ChangeGrants(const Action& action) {
  if (action.user_id.empty())
    return FailedPrecondition(What("change groups of", action.email) + ": no user id");
  return ChangeMembers(action.email, action.user_id, action.before, action.after);
}

Status ScimConnector::SetActive(const Action& action, bool active, const std::string& what) const {
  if (action.user_id.empty()) return FailedPrecondition(what + ": no user id");
  const json body = scim::SetActiveBody(active);
  StatusOr<HttpResponse> answer = Send("PATCH", "/Users/" + PercentEncode(action.user_id), &body, what);
  if (!answer.ok()) return answer.status();
  if (answer->status == 404 && !active) {
    spdlog::info("scim {}: {} is gone; retire done", instance_, action.email);
    return OkStatus();
  }
  return scim::AnswerStatus(*answer, what);
}

Status ScimConnector::Retire(const Action& action) {
  return SetActive(action, false, What("deactivate", action.email));
}

Status ScimConnector::Reactivate(const Action& action) {
  if (Status s = SetActive(action, true, What("reactivate", action.email)); !s.ok()) return s;
  return ChangeMembers(action.email, action.user_id, action.before, action.after);
}

Status ScimConnector::Remove(const Action& action) {
  const std::string what = What("delete", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no user id");
  StatusOr<HttpResponse> answer = Send("DELETE", "/Users/" + PercentEncode(action.user_id), nullptr, what);
  if (!answer.ok()) return answer.status();
  if (answer->status == 404) {
    spdlog::info("scim {}: {} is already gone; delete done", instance_, action.email);
    return OkStatus();
  }
  return scim::AnswerStatus(*answer, what);
}

Status ScimConnector::Update(const Action& action) {
  const std::string what = What("update", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no user id");
  std::optional<scim::ScimUser> listed;
  {
    std::lock_guard lock(mu_);
    if (auto it = listed_.find(action.user_id); it != listed_.end()) listed = it->second;
  }
  json operations = json::array();
  auto replace = [&](const char* path, const std::optional<std::string>& wanted,
                     const std::optional<std::string> scim::ScimUser::*field) {
    if (wanted && (!listed || (*listed).*field != wanted)) operations.push_back(scim::Replace(path, *wanted));
  };
  replace("name.givenName", scim::GivenName(action.profile), &scim::ScimUser::given_name);
  replace("name.familyName", scim::FamilyName(action.profile), &scim::ScimUser::family_name);
  replace("displayName", action.profile.name, &scim::ScimUser::display_name);
  replace("externalId", action.profile.external_id, &scim::ScimUser::external_id);
  if (operations.empty()) return OkStatus();
  const json body = scim::PatchOp(std::move(operations));
  StatusOr<HttpResponse> answer = Send("PATCH", "/Users/" + PercentEncode(action.user_id), &body, what);
  if (!answer.ok()) return answer.status();
  return scim::AnswerStatus(*answer, what);
}

StatusOr<std::unique_ptr<Connector>> MakeScimConnector(const PlatformConfig& config,
                                                      const SecretReader& secrets, ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeScimConnector: no HTTP client given");
  StatusOr<std::string> token = secrets(config, "token");
  if (!token.ok()) return token.status();
  return std::unique_ptr<Connector>(
      std::make_unique<ScimConnector>(config.name, config.url, std::move(token).value(), *env.http));
}

}  // namespace idsync
