#include "connectors/houston/houston_connector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "connectors/houston/houston_documents.h"
#include "connectors/failure_context.h"
#include "core/text.h"

namespace idsync {
namespace {

using nlohmann::json;
namespace docs = houston_documents;

const std::vector<std::string> kAlreadyThere = {"DUPLICATE_EMAIL", "USER_ALREADY_INVITED"};
const std::vector<std::string> kAlreadyGone = {"RESOURCE_NOT_FOUND"};

// data[field] as an array, or a kInternal failure.
StatusOr<json> ListField(const json& data, const char* field, const std::string& what) {
  if (!data.is_object() || !data.contains(field) || !data[field].is_array()) {
    return Internal(what + ": answer has no " + field + " list");
  }
  return data[field];
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Connector>> MakeHoustonConnector(const PlatformConfig& config,
                                                          const SecretReader& secrets,
                                                          ConnectorEnv env) {
  StatusOr<std::string> key = secrets(config, "api_key");
  if (!key.ok()) return key.status();
  return std::unique_ptr<Connector>(std::make_unique<HoustonConnector>(
      config.name, config.url, std::move(key).value(), *env.http));
}

HoustonConnector::HoustonConnector(std::string instance, std::string url, std::string api_key,
                                   HttpClient& http)
    : instance_(std::move(instance)),
      graphql_(http, std::move(url), HttpHeaders{{"Authorization", std::move(api_key)}}) {}

std::string HoustonConnector::What(std::string_view operation, std::string_view email) const {
  return FailureContext(type(), instance_, operation, email);
}

StatusOr<LiveState> HoustonConnector::List(const ListContext& context) {
  (void)context;  // the listing returns everyone
  StatusOr<houston::Listing> listing = ListAll();
  if (!listing.ok()) return listing.status();
  {
    std::lock_guard lock(mu_);
    held_ = std::move(listing->held);
  }
  return std::move(listing->live);
}

StatusOr<houston::Listing> HoustonConnector::ListAll() const {
  houston::Listing listing;
  const std::string what_workspaces = What("list workspaces", "");
  StatusOr<json> data = graphql_.Data(docs::kWorkspaces, "Workspaces", json::object(), what_workspaces);
  if (!data.ok()) return data.status();
  StatusOr<json> workspaces = ListField(*data, "workspaces", what_workspaces);
  if (!workspaces.ok()) return workspaces.status();
  if (Status s = houston::ReadWorkspaces(*workspaces, what_workspaces, listing); !s.ok()) return s;

  const std::string what_users = What("list users", "");
  std::optional<std::string> cursor;
  for (;;) {
    json variables = {{"take", kPageSize}};
    if (cursor) variables["cursor"] = *cursor;
    data = graphql_.Data(docs::kUsers, "Users", variables, what_users);
    if (!data.ok()) return data.status();
    StatusOr<json> users = ListField(*data, "users", what_users);
    if (!users.ok()) return users.status();
    if (Status s = houston::ReadUsers(*users, what_users, listing); !s.ok()) return s;
    if (users->size() < static_cast<std::size_t>(kPageSize)) break;
    const json& last = users->back().at("id");
    if (!last.is_string() || (cursor && last.get<std::string>() <= *cursor)) {
      return Internal(what_users + ": the page after cursor " + cursor.value_or("(none)") +
                      " does not advance; stopping");
    }
    cursor = last.get<std::string>();
  }

  const std::string what_invites = What("list invites", "");
  data = graphql_.Data(docs::kInvites, "Invites", json::object(), what_invites);
  if (!data.ok()) return data.status();
  StatusOr<json> invites = ListField(*data, "invites", what_invites);
  if (!invites.ok()) return invites.status();
  if (Status s = houston::ReadInvites(*invites, what_invites, listing); !s.ok()) return s;
  return listing;
}

StatusOr<Grants> HoustonConnector::Resolve(const Grants& desired, const LiveState& live) {
  std::vector<std::string> unknown;
  for (const auto& [workspace, role] : desired.scoped) {
    if (!live.catalog.count(workspace)) unknown.push_back(workspace);
  }
  if (unknown.empty()) return desired;
  std::vector<std::string> valid;
  for (const auto& [id, label] : live.catalog) valid.push_back(label.empty() ? id : id + " (" + label + ")");
  return InvalidArgument("houston " + instance_ + ": unknown workspace id" +
                         (unknown.size() > 1 ? "s " : " ") + Join(unknown) +
                         "; valid workspace ids: " + (valid.empty() ? "(none)" : Join(valid)));
}

Status HoustonConnector::Mutate(const char* document, const char* operation, const json& variables,
                                const std::string& what,
                                const std::vector<std::string>& done) const {
  StatusOr<GraphQLResult> result = graphql_.Execute(document, operation, variables, what);
  if (!result.ok()) return result.status();
  if (result->errors.empty()) {
    if (result->data.is_null()) return Internal(what + ": answer has no data");
    return OkStatus();
  }
  const GraphQLError& first = result->errors.front();
  if (std::ranges::find(done, first.code) != done.end()) {
    spdlog::info("{}: already done ({}: {})", what, first.code, first.message);
    return OkStatus();
  }
  return ErrorsAsStatus(*result, what);
}

Status HoustonConnector::Invite(const Action& action) {
  const std::string what = What("invite", action.email);
  if (action.after.single.has_value() == false && action.after.scoped.empty()) {
    return InvalidArgument(what + ": no system role or workspace to invite to");
  }
  if (action.after.single) {
    Status s = Mutate(docs::kInviteUser, "InviteUser",
                      {{"email", action.email}, {"role", *action.after.single}},
                      what + ": inviteUser", kAlreadyThere);
    if (!s.ok()) return s;
  }
  for (const auto& [workspace, role] : action.after.scoped) {  // in id order
    Status s = Mutate(docs::kWorkspaceAddUser, "WorkspaceAddUser",
                      {{"workspaceUuid", workspace}, {"email", action.email}, {"role", role}},
                      what + ": workspaceAddUser " + workspace, kAlreadyThere);
    if (!s.ok()) return s;
  }
  return OkStatus();
}

Status HoustonConnector::ChangeGrants(const Action& action) {
  const bool reactivate = action.verb == Verb::kReactivate;
  const std::string what = What(reactivate ? "reactivate" : "change grants of", action.email);
  if (action.user_id.empty()) {
    return FailedPrecondition(what + ": not signed up yet (pending invitation)");
  }
  const Grants& before = action.before;
  const Grants& after = action.after;
  const json user_id = action.user_id;
  // Adds: new workspaces, then the new system role.
  for (const auto& [workspace, role] : after.scoped) {
    if (before.scoped.count(workspace)) continue;
    Status s = Mutate(docs::kWorkspaceAddUser, "WorkspaceAddUser",
                      {{"workspaceUuid", workspace}, {"email", action.email}, {"role", role}},
                      what + ": workspaceAddUser " + workspace, {"DUPLICATE_EMAIL"});
    if (!s.ok()) return s;
  }
  const bool system_changes = after.single != before.single;
  if (system_changes && after.single) {
    Status s = Mutate(docs::kCreateSystemRoleBinding, "CreateSystemRoleBinding",
                      {{"userId", user_id}, {"role", *after.single}},
                      what + ": createSystemRoleBinding " + *after.single, {});
    if (!s.ok()) return s;
  }
  // Changes.
  for (const auto& [workspace, role] : after.scoped) {
    const auto it = before.scoped.find(workspace);
    if (it == before.scoped.end() || it->second == role) continue;
    Status s = Mutate(docs::kWorkspaceUpdateUserRole, "WorkspaceUpdateUserRole",
                      {{"workspaceUuid", workspace}, {"email", action.email}, {"role", role}},
                      what + ": workspaceUpdateUserRole " + workspace, {});
    if (!s.ok()) return s;
  }
  // Removals: dropped workspaces, then every other system binding.
  for (const auto& [workspace, role] : before.scoped) {
    if (after.scoped.count(workspace)) continue;
    Status s = Mutate(docs::kWorkspaceRemoveUser, "WorkspaceRemoveUser",
                      {{"workspaceUuid", workspace}, {"userUuid", user_id}},
                      what + ": workspaceRemoveUser " + workspace, kAlreadyGone);
    if (!s.ok()) return s;
  }
  if (!system_changes) return OkStatus();
  for (const std::string& role : SystemRolesHeld(action)) {
    if (role == after.single) continue;
    if (Status s = DeleteSystemRole(user_id, role, what); !s.ok()) return s;
  }
  return OkStatus();
}

Status HoustonConnector::DeleteSystemRole(const json& user_id, const std::string& role,
                                          const std::string& what) const {
  return Mutate(docs::kDeleteSystemRoleBinding, "DeleteSystemRoleBinding",
                {{"userId", user_id}, {"role", role}}, what + ": deleteSystemRoleBinding " + role,
                kAlreadyGone);
}

Status HoustonConnector::Retire(const Action& action) {
  const std::string what = What("retire", action.email);
  if (action.user_id.empty()) return DeleteInvitations(action, what);
  const json user_id = action.user_id;
  // System bindings first, most privileged first: a refusal (the last SYSTEM_ADMIN)
  // then leaves the workspaces untouched.
  for (const std::string& role : SystemRolesHeld(action)) {
    if (Status s = DeleteSystemRole(user_id, role, what); !s.ok()) return s;
  }
  for (const auto& [workspace, role] : action.before.scoped) {
    Status s = Mutate(docs::kWorkspaceRemoveUser, "WorkspaceRemoveUser",
                      {{"workspaceUuid", workspace}, {"userUuid", user_id}},
                      what + ": workspaceRemoveUser " + workspace, kAlreadyGone);
    if (!s.ok()) return s;
  }
  return OkStatus();
}

Status HoustonConnector::Remove(const Action& action) {
  const std::string what = What("remove", action.email);
  if (action.user_id.empty()) return DeleteInvitations(action, what);
  return Mutate(docs::kRemoveUser, "RemoveUser", {{"userUuid", action.user_id}},
                what + ": removeUser", kAlreadyGone);
}

Status HoustonConnector::DeleteInvitations(const Action& action, const std::string& what) const {
  std::optional<std::vector<std::string>> ids = InvitationIds(action.email);
  if (!ids) {  // not in the last listing: ask again
    houston::Listing listing;
    StatusOr<json> data = graphql_.Data(docs::kInvites, "Invites", json::object(), what + ": invites");
    if (!data.ok()) return data.status();
    StatusOr<json> invites = ListField(*data, "invites", what + ": invites");
    if (!invites.ok()) return invites.status();
    if (Status s = houston::ReadInvites(*invites, what, listing); !s.ok()) return s;
    const auto it = listing.held.find(action.email);
    ids = it == listing.held.end() ? std::vector<std::string>{} : it->second.invitation_ids;
  }
  for (const std::string& id : *ids) {
    Status s = Mutate(docs::kDeleteInviteToken, "DeleteInviteToken", {{"inviteUuid", id}},
                      what + ": deleteInviteToken " + id, kAlreadyGone);
    if (!s.ok()) return s;
  }
  return OkStatus();
}

std::set<std::string> HoustonConnector::SystemRolesHeld(const Action& action) const {
  std::set<std::string> roles;
  if (action.before.single) roles.insert(*action.before.single);
  std::lock_guard lock(mu_);
  const auto it = held_.find(action.email);
  if (it != held_.end() && it->second.user_id == action.user_id) {
    roles.insert(it->second.system_roles.begin(), it->second.system_roles.end());
  }
  return roles;
}

std::optional<std::vector<std::string>> HoustonConnector::InvitationIds(const std::string& email) const {
  std::lock_guard lock(mu_);
  const auto it = held_.find(email);
  if (it == held_.end() || !it->second.user_id.empty()) return std::nullopt;
  return it->second.invitation_ids;
}

}  // namespace idsync
