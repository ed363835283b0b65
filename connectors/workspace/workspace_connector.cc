#include "connectors/workspace/workspace_connector.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <utility>

#include "connectors/workspace/workspace_list.h"
#include "connectors/failure_context.h"

namespace idsync {

namespace workspace_documents {
const char* const kListUsers =
    R"(query ListUsers { listUsers { ok activeUsers { uid email name accountType }
                              invitedUsers { email accountType inviteStatus } } })";
const char* const kInviteUser =
    R"(mutation InviteUser($email: String!, $accountType: UserAccountType!) {
  inviteUser(email: $email, accountType: $accountType) { ok } })";
const char* const kUpdateUserAccountType =
    R"(mutation UpdateUserAccountType($uid: String!, $accountType: UserAccountType!) {
  updateUserAccountType(uid: $uid, accountType: $accountType) { ok } })";
const char* const kDisableUser = R"(mutation DisableUser($uid: String!) { disableUser(uid: $uid) { ok } })";
}  // namespace workspace_documents

namespace {

using nlohmann::json;
namespace docs = workspace_documents;

std::string Field(const json& object, const char* key) {
  const json& value = object.at(key);
  return value.is_null() ? "" : value.get<std::string>();
}

// The DOM reading of one entry; throws json::exception where the answer is unusable.
workspace_list::Entry ReadActive(const json& entry) {
  workspace_list::Entry read;
  read.uid = Field(entry, "uid");
  read.email = Field(entry, "email");
  read.account_type = Field(entry, "accountType");
  if (const auto it = entry.find("name"); it != entry.end() && it->is_string()) {
    read.name = it->get<std::string>();
  }
  return read;
}

workspace_list::Entry ReadInvited(const json& entry) {
  workspace_list::Entry read;
  read.email = Field(entry, "email");
  read.invite_status = Field(entry, "inviteStatus");
  read.account_type = Field(entry, "accountType");
  return read;
}

std::string RefusalSuffix(const std::string& refusal) {
  return refusal.empty() ? "" : ": " + refusal;
}

}  // namespace

WorkspaceConnector::WorkspaceConnector(std::string instance, std::string url,
                                       const WorkspaceCredentials& credentials, HttpClient& http)
    : instance_(std::move(instance)),
      graphql_(http, std::move(url),
               HttpHeaders{{"X-API-KEY", credentials.api_key},
                           {"X-API-SECRET", credentials.api_secret}}) {}

std::string WorkspaceConnector::What(std::string_view operation, std::string_view email) const {
  return FailureContext(type(), instance_, operation, email);
}

StatusOr<LiveState> WorkspaceConnector::List(const ListContext& context) {
  (void)context;  // listUsers returns everyone
  return ListUsers();
}

StatusOr<LiveState> WorkspaceConnector::ListUsers() const {
  const std::string what = What("list users", "");
  // The usual answer is read as it arrives, straight into the live state (100,000
  // users: neither the body nor a DOM of it held); whatever that reading declines is
  // judged by the DOM reading (ReadHeld), message for message as before.
  workspace_list::ListUsersReader reader(instance_);
  StatusOr<HttpResponse> response = graphql_.Post(docs::kListUsers, "ListUsers", json::object(), what, &reader);
  if (!response.ok()) return response.status();
  if (response->body_read) return reader.Finish();
  if (response->body_dropped) {
    if (reader.syntax_error()) return NotAJsonObject(response->status, reader.head(), what);
    // A large answer of another shape, declined midway: ask again and hold it whole.
    response = graphql_.Post(docs::kListUsers, "ListUsers", json::object(), what);
    if (!response.ok()) return response.status();
  }
  return ReadHeld(*response, what);
}

StatusOr<LiveState> WorkspaceConnector::ReadHeld(const HttpResponse& response, const std::string& what) const {
  const bool is_2xx = response.status >= 200 && response.status < 300;
  if (is_2xx) {
    LiveState live;
    if (workspace_list::ReadListUsersFast(response.body, instance_, &live)) return live;
  }
  workspace_list::Entries entries;
  StatusOr<GraphQLResult> result = ParseGraphQLResponse(response, what);
  if (!result.ok()) return result.status();
  try {
    const json& data = result->data;
    const bool has_list = data.is_object() && data.contains("listUsers") &&
                          data["listUsers"].is_object();
    if (!has_list) {
      if (Status s = ErrorsAsStatus(*result, what); !s.ok()) return s;
      return Internal(what + ": answer has no listUsers");
    }
    const json& list = data["listUsers"];
    if (!list.at("ok").get<bool>()) {
      const std::string refusal = result->errors.empty() ? "" : result->errors.front().message;
      return FailedPrecondition(what + ": listUsers returned ok: false" + RefusalSuffix(refusal));
    }
    for (const json& entry : list.at("activeUsers")) entries.active.push_back(ReadActive(entry));
    for (const json& entry : list.at("invitedUsers")) entries.invited.push_back(ReadInvited(entry));
  } catch (const json::exception& e) {
    return Internal(what + ": unexpected listUsers answer: " + e.what());
  }
  return workspace_list::ToLiveState(instance_, std::move(entries));
}

StatusOr<bool> WorkspaceConnector::Mutate(const char* document, const char* operation,
                                          const char* field, const json& variables,
                                          const std::string& what, std::string* refusal) const {
  StatusOr<GraphQLResult> result = graphql_.Execute(document, operation, variables, what);
  if (!result.ok()) return result.status();
  const json& data = result->data;
  const bool has_ok = data.is_object() && data.contains(field) && data[field].is_object() &&
                      data[field].contains("ok") && data[field]["ok"].is_boolean();
  if (!has_ok) {
    if (Status s = ErrorsAsStatus(*result, what + ": " + field); !s.ok()) return s;
    return Internal(what + ": " + field + " answer has no ok");
  }
  if (data[field]["ok"].get<bool>()) return true;
  *refusal = result->errors.empty() ? "" : result->errors.front().message;
  return false;
}

Status WorkspaceConnector::MutateOrConfirm(const char* document, const char* operation, const char* field,
                                           const json& variables, const std::string& what,
                                           const std::string& email,
                                           const std::function<bool(const LiveUser*)>& done) const {
  std::string refusal;
  StatusOr<bool> ok = Mutate(document, operation, field, variables, what, &refusal);
  if (!ok.ok()) return ok.status();
  if (*ok) return OkStatus();

  const std::string failure = what + ": " + field + " returned ok: false" + RefusalSuffix(refusal);
  StatusOr<LiveState> live = ListUsers();
  if (!live.ok()) {
    return Status(live.status().code(), failure + "; listing again failed: " + live.status().message());
  }
  const auto it = live->users.find(email);
  if (done(it == live->users.end() ? nullptr : &it->second)) return OkStatus();
  return FailedPrecondition(failure);
}

Status WorkspaceConnector::Invite(const Action& action) {
  const std::string what = What("invite", action.email);
  if (!action.after.single) return InvalidArgument(what + ": no account type to invite with");
  // ok: false also answers a repeated invite (pending or active): look before failing.
  return MutateOrConfirm(docs::kInviteUser, "InviteUser", "inviteUser",
                         {{"email", action.email}, {"accountType", *action.after.single}}, what,
                         action.email, [&](const LiveUser* user) {
                           if (!user || (user->status != LiveStatus::kActive &&
                                         user->status != LiveStatus::kPending)) {
                             return false;
                           }
                           spdlog::info("workspace {}: {} is already there ({}); invite done",
                                        instance_, action.email, user->raw_status);
                           return true;
                         });
}

Status WorkspaceConnector::ChangeGrants(const Action& action) {
  const std::string what = What("change account type of", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no uid (not signed up yet)");
  if (!action.after.single) return InvalidArgument(what + ": no account type to set");
  return MutateOrConfirm(docs::kUpdateUserAccountType, "UpdateUserAccountType",
                         "updateUserAccountType",
                         {{"uid", action.user_id}, {"accountType", *action.after.single}}, what,
                         action.email, [&](const LiveUser* user) {
                           // already that account type
                           return user && user->status == LiveStatus::kActive &&
                                  user->id == action.user_id &&
                                  user->grants.single == action.after.single;
                         });
}

Status WorkspaceConnector::Retire(const Action& action) {
  const std::string what = What("disable", action.email);
  if (action.user_id.empty()) return FailedPrecondition(what + ": no uid (not signed up yet)");
  return MutateOrConfirm(docs::kDisableUser, "DisableUser", "disableUser", {{"uid", action.user_id}},
                         what, action.email, [&](const LiveUser* user) {
                           const bool still_active = user && user->status == LiveStatus::kActive &&
                                                     user->id == action.user_id;
                           if (!still_active) {
                             spdlog::info("workspace {}: {} is no longer listed as active; disable done",
                                          instance_, action.email);
                           }
                           return !still_active;
                         });
}

StatusOr<std::unique_ptr<Connector>> MakeWorkspaceConnector(const PlatformConfig& config,
                                                            const SecretReader& secrets,
                                                            ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeWorkspaceConnector: no HTTP client given");
  WorkspaceCredentials credentials;
  StatusOr<std::string> key = secrets(config, "api_key");
  if (!key.ok()) return key.status();
  StatusOr<std::string> secret = secrets(config, "api_secret");
  if (!secret.ok()) return secret.status();
  credentials.api_key = std::move(key).value();
  credentials.api_secret = std::move(secret).value();
  return std::unique_ptr<Connector>(
      std::make_unique<WorkspaceConnector>(config.name, config.url, credentials, *env.http));
}

}  // namespace idsync
