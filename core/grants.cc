#include "core/grants.h"

namespace idsync {

std::string ToString(const Grants& grants) {
  if (grants.empty()) return "(none)";
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ' ';
    out += part;
  };
  if (grants.single) add(*grants.single);
  for (const auto& [scope, role] : grants.scoped) add(scope + "=" + role);
  if (!grants.set.empty()) {
    std::string list = "[";
    for (const auto& item : grants.set) {
      if (list.size() > 1) list += ", ";
      list += item;
    }
    add(list + "]");
  }
  return out;
}

}  // namespace idsync
