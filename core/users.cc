#include "core/users.h"

namespace idsync {

const char* LiveStatusName(LiveStatus s) {
  switch (s) {
    case LiveStatus::kActive: return "active";
    case LiveStatus::kPending: return "pending";
    case LiveStatus::kExpired: return "expired";
    case LiveStatus::kRetired: return "retired";
  }
  return "active";
}

}  // namespace idsync
