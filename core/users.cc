#include "core/users.h"

#include "core/text.h"

namespace idsync {

void DeriveNames(Profile& p) {
  if (!p.name || (p.given_name && p.family_name)) return;
  std::string name = Trim(*p.name);
  size_t space = name.find_last_of(' ');
  if (space == std::string::npos) return;
  std::string given = Trim(name.substr(0, space)), family = Trim(name.substr(space + 1));
  if (!p.given_name && !given.empty()) p.given_name = std::move(given);
  if (!p.family_name && !family.empty()) p.family_name = std::move(family);
}

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
