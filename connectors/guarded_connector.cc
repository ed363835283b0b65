#include "connectors/guarded_connector.h"

#include <utility>

#include "connectors/http/http_client.h"

namespace idsync {

GuardedConnector::GuardedConnector(std::unique_ptr<Connector> inner, std::string instance,
                                   std::vector<std::string> secrets)
    : inner_(std::move(inner)), instance_(std::move(instance)), secrets_(std::move(secrets)) {}

Status GuardedConnector::NotSupported(PlatformType type, std::string_view instance,
                                      std::string_view operation, std::string_view email) {
  const std::string name(PlatformTypeName(type));
  std::string message = name + " " + std::string(instance) + ": " + std::string(operation);
  if (!email.empty()) message += " " + std::string(email);
  return FailedPrecondition(message + ": not supported by the " + name + " platform");
}

Status GuardedConnector::Scrub(const Status& status) const {
  return ScrubSecrets(status, secrets_);
}

Status GuardedConnector::Refuse(std::string_view operation, const Action& action) const {
  return NotSupported(type(), instance_, operation, action.email);
}

StatusOr<LiveState> GuardedConnector::List(const ListContext& context) {
  return Scrub(inner_->List(context));
}

StatusOr<Grants> GuardedConnector::Resolve(const Grants& desired, const LiveState& live) {
  return Scrub(inner_->Resolve(desired, live));
}

Status GuardedConnector::Invite(const Action& action) { return Scrub(inner_->Invite(action)); }

Status GuardedConnector::ChangeGrants(const Action& action) {
  return Scrub(inner_->ChangeGrants(action));
}

Status GuardedConnector::Guard(bool can, std::string_view operation, const Action& action,
                               Status (Connector::*call)(const Action&)) {
  if (!can) return Refuse(operation, action);
  return Scrub((inner_.get()->*call)(action));
}

Status GuardedConnector::Retire(const Action& action) {
  return Guard(capabilities().retire, "retire", action, &Connector::Retire);
}

Status GuardedConnector::Reactivate(const Action& action) {
  return Guard(capabilities().reactivate, "reactivate", action, &Connector::Reactivate);
}

Status GuardedConnector::Remove(const Action& action) {
  return Guard(capabilities().remove, "remove", action, &Connector::Remove);
}

Status GuardedConnector::Update(const Action& action) {
  return Guard(capabilities().profile_update, "update", action, &Connector::Update);
}

}  // namespace idsync
