// The prefix every connector puts on its failure messages (connector.h's contract).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "core/platform.h"

namespace idsync {

// "<type> <instance>: <operation>", plus " <email>" when `email` is not empty:
// "workspace ws: invite alice@acme.io".
inline std::string FailureContext(PlatformType type, std::string_view instance, std::string_view operation,
                                  std::string_view email) {
  std::string what = std::string(PlatformTypeName(type)) + " " + std::string(instance) + ": " +
                     std::string(operation);
  if (!email.empty()) what += " " + std::string(email);
  return what;
}

}  // namespace idsync
