#include "connectors/orgadmin/orgadmin_connector.h"
#include "connectors/failure_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace idsync {
namespace {

using nlohmann::json;
namespace docs = orgadmin_documents;

// The Status code for a refusal the platform names (orgadmin.md's error table).
// `not a member` where it is not already done (a removal, a retire) is kAborted: a
// failure, and the executor forgets the membership so the next plan adds it back.
StatusCode RefusalCode(const std::string& error) {
  if (error == "not a member") return StatusCode::kAborted;
  if (error == "user not found" || error == "group not found") return StatusCode::kNotFound;
  if (error == "invalid role" || error == "invalid status") return StatusCode::kInvalidArgument;
  if (error == "already a member" || error == "email already exists") {
    return StatusCode::kAlreadyExists;
  }
  return StatusCode::kFailedPrecondition;
}

void AddIfSet(json& variables, const char* key, const std::optional<std::string>& value) {
  if (value) variables[key] = *value;
}

}  // namespace

OrgadminConnector::OrgadminConnector(std::string instance, std::string url, std::string org,
                                     std::string token, HttpClient& http)
    : instance_(std::move(instance)),
      api_(http, std::move(url), std::move(org), std::move(token)) {}

std::string OrgadminConnector::What(std::string_view operation, std::string_view email) const {
  return FailureContext(type(), instance_, operation, email);
}

std::optional<std::string> OrgadminConnector::KnownId(const Action& action) {
  if (!action.user_id.empty()) return action.user_id;
  std::lock_guard lock(mu_);
  const auto it = known_ids_.find(action.email);
  if (it == known_ids_.end()) return std::nullopt;
  return it->second;
}

void OrgadminConnector::Learn(const std::string& email, const std::string& id) {
  std::lock_guard lock(mu_);
  known_ids_[email] = id;
  to_cache_[email] = id;
}

Status OrgadminConnector::Run(const char* document, const char* operation, const char* field,
                              json variables, const std::string& what,
                              std::initializer_list<const char*> done, OrgadminMutation* out) {
  StatusOr<OrgadminMutation> result =
      api_.Mutate(document, operation, field, std::move(variables), what);
  if (!result.ok()) return result.status();
  if (out) *out = *result;
  if (!result->error) return OkStatus();
  const std::string& error = *result->error;
  if (std::any_of(done.begin(), done.end(), [&](const char* d) { return error == d; })) {
    spdlog::info("{}: {} answered \"{}\": not a failure here", what, field, error);
    return OkStatus();
  }
  return Status(RefusalCode(error), what + ": " + field + " returned error: " + error);
}

Status OrgadminConnector::SetMember(const std::string& user_id, const char* status,
                                    const std::string& role,
                                    const std::optional<std::string>& external_id,
                                    const std::string& what,
                                    std::initializer_list<const char*> done) {
  json variables = {{"userId", user_id}, {"status", status}, {"role", role}};
  AddIfSet(variables, "externalId", external_id);
  return Run(docs::kUpdateMember, "UpdateMember", "updateMember", std::move(variables), what, done);
}

Status OrgadminConnector::ChangeGroups(const std::string& user_id, const Grants& from,
                                       const Grants& to, const std::string& what) {
  for (const std::string& group : to.set) {
    if (from.set.count(group)) continue;
    Status s = Run(docs::kAddGroupMembership, "AddGroupMembership", "addGroupMembership",
                   {{"userId", user_id}, {"groupId", group}}, what + " to group " + group,
                   {"already a member"});
    if (!s.ok()) return s;
  }
  for (const std::string& group : from.set) {
    if (to.set.count(group)) continue;
    Status s = Run(docs::kRemoveGroupMembership, "RemoveGroupMembership", "removeGroupMembership",
                   {{"userId", user_id}, {"groupId", group}}, what + " from group " + group,
                   {"not a member"});
    if (!s.ok()) return s;
  }
  return OkStatus();
}

Status OrgadminConnector::Invite(const Action& action) {
  const std::string what = What("invite", action.email);
  const std::string role = action.after.single.value_or("user");
  const Profile& p = action.profile;
  std::optional<std::string> id = KnownId(action);
  bool created = false;
  if (!id) {
    if (!p.given_name || !p.family_name) {
      return InvalidArgument(what + ": createUser needs a first and last name");
    }
    json variables = {{"email", p.email_as_written.empty() ? action.email : p.email_as_written},
                      {"first", *p.given_name},
                      {"last", *p.family_name}};
    AddIfSet(variables, "name", p.name);
    AddIfSet(variables, "externalId", p.external_id);
    OrgadminMutation result;
    Status s = Run(docs::kCreateUser, "CreateUser", "createUser", std::move(variables), what,
                   {"email already exists"}, &result);
    if (!s.ok()) return s;
    if (!result.error) {
      if (!result.id) return Internal(what + ": createUser returned no id");
      id = result.id;
      created = true;
    } else {
      StatusOr<std::optional<std::string>> found = api_.FindUser(action.email, what + ": findUserBy");
      if (!found.ok()) return found.status();
      if (!*found) {
        return FailedPrecondition(what + ": createUser said the email already exists, "
                                         "but findUserBy does not find it");
      }
      id = **found;
    }
    Learn(action.email, *id);
  }
  if (created) {
    // createUser makes an active member with role user.
    if (role != "user") {
      Status s = SetMember(*id, "active", role, std::nullopt, what, {});
      if (!s.ok()) return s;
    }
  } else {
    json variables = {{"userId", *id}, {"role", role}};
    AddIfSet(variables, "externalId", p.external_id);
    OrgadminMutation result;
    Status s = Run(docs::kAddOrgMember, "AddOrgMember", "addOrgMember", std::move(variables), what,
                   {"already a member"}, &result);
    if (!s.ok()) return s;
    if (result.error) {  // a member already (perhaps retired): make it active with the role
      s = SetMember(*id, "active", role, p.external_id, what, {});
      if (!s.ok()) return s;
    }
    Learn(action.email, *id);
  }
  return ChangeGroups(*id, Grants{}, action.after, what);
}

Status OrgadminConnector::ChangeGrants(const Action& action) {
  const std::string what = What("change grants of", action.email);
  const std::optional<std::string> id = KnownId(action);
  if (!id) return FailedPrecondition(what + ": user id unknown");
  const bool reassert = action.before == action.after;
  if (action.after.single && (reassert || action.before.single != action.after.single)) {
    Status s = SetMember(*id, "active", *action.after.single, std::nullopt, what, {});
    if (!s.ok()) return s;
  }
  return ChangeGroups(*id, action.before, action.after, what);
}

Status OrgadminConnector::Retire(const Action& action) {
  const std::string what = What("retire", action.email);
  const std::optional<std::string> id = KnownId(action);
  if (!id) return FailedPrecondition(what + ": user id unknown");
  if (!action.before.single) {
    return FailedPrecondition(what + ": the member's role is not known to idsync (never applied, "
                                     "and orgadmin cannot read it); updateMember must carry one, "
                                     "and a guess could demote an admin");
  }
  return SetMember(*id, "retired", *action.before.single, std::nullopt, what, {"not a member"});
}

Status OrgadminConnector::Reactivate(const Action& action) {
  const std::string what = What("reactivate", action.email);
  const std::optional<std::string> id = KnownId(action);
  if (!id) return FailedPrecondition(what + ": user id unknown");
  Status s = SetMember(*id, "active", action.after.single.value_or("user"),
                       action.profile.external_id, what, {});
  if (!s.ok()) return s;
  return ChangeGroups(*id, action.before, action.after, what);
}

StatusOr<std::unique_ptr<Connector>> MakeOrgadminConnector(const PlatformConfig& config,
                                                           const SecretReader& secrets,
                                                           ConnectorEnv env) {
  if (env.http == nullptr) return Internal("MakeOrgadminConnector: no HTTP client given");
  if (!config.org) return InvalidArgument("platform " + config.name + ": org is required");
  StatusOr<std::string> token = secrets(config, "token");
  if (!token.ok()) return token.status();
  return std::unique_ptr<Connector>(std::make_unique<OrgadminConnector>(
      config.name, config.url, *config.org, std::move(token).value(), *env.http));
}

}  // namespace idsync
