#include "core/users.h"

#include "core/text.h"

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

std::map<std::string, std::string> NamesById(const std::map<std::string, std::string>& catalog) {
  std::map<std::string, std::string> out;
  std::map<std::string, int> lower_count;
  for (const auto& [name, id] : catalog) ++lower_count[NormalizeEmail(name)];
  for (const auto& [name, id] : catalog)
    if (!id.empty() && lower_count[NormalizeEmail(name)] == 1) out[id] = name;
  return out;
}

}  // namespace idsync
