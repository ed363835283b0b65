// The one wrapper MakeConnector puts around every platform connector, so no connector
// repeats it (STYLE: decorators stacked once, in one place, like HttpStack):
//
//   - A call the platform cannot make (Retire without capabilities().retire,
//     Reactivate without .reactivate, Remove without .remove, Update without
//     .profile_update) is refused before it reaches the connector, always as
//       FailedPrecondition "<type> <instance>: <operation> <email>: not supported by
//       the <type> platform"
//     The planner never asks for one; the refusal guards against a bug, not a user.
//   - Every Status it returns (List, Resolve and each action) has the platform's
//     secrets scrubbed (ScrubSecrets): a last defence for APIs that echo a credential.
//
// Thread-safety: as the wrapped connector; the wrapper itself is immutable.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"

namespace idsync {

class GuardedConnector : public Connector {
 public:
  // `secrets`: every credential value `inner` was built with.
  GuardedConnector(std::unique_ptr<Connector> inner, std::string instance,
                   std::vector<std::string> secrets);

  PlatformType type() const override { return inner_->type(); }
  StatusOr<LiveState> List(const ListContext& context) override;
  StatusOr<Grants> Resolve(const Grants& desired, const LiveState& live) override;
  Status Invite(const Action& action) override;
  Status ChangeGrants(const Action& action) override;
  Status Retire(const Action& action) override;
  Status Reactivate(const Action& action) override;
  Status Remove(const Action& action) override;
  Status Update(const Action& action) override;

  // The refusal for `operation` ("remove") on `email`, in the one format above.
  static Status NotSupported(PlatformType type, std::string_view instance,
                             std::string_view operation, std::string_view email);

 private:
  Status Scrub(const Status& status) const;
  template <typename T>
  StatusOr<T> Scrub(StatusOr<T> result) const {
    if (result.ok()) return result;
    return Scrub(result.status());
  }
  Status Refuse(std::string_view operation, const Action& action) const;
  // `call` on the inner connector, scrubbed, when the platform `can`; else Refuse.
  Status Guard(bool can, std::string_view operation, const Action& action,
               Status (Connector::*call)(const Action&));

  const std::unique_ptr<Connector> inner_;
  const std::string instance_;
  const std::vector<std::string> secrets_;
};

}  // namespace idsync
