#include "daemon/apply/snapshot.h"

#include "reconcile/grants_json.h"

namespace idsync {

std::string SnapshotJson(const LiveState& live, int64_t now) {
  std::string out;
  // Room for the usual user (about 180 bytes) without a copy as the text grows; pages
  // reserved and never written are never resident.
  out.reserve(64 + live.users.size() * 256);
  out += "{\"taken_at\":" + std::to_string(now) + ",\"complete\":" + (live.complete ? "true" : "false") +
         ",\"users\":[";
  bool first = true;
  for (const auto& [email, u] : live.users) {
    if (!first) out += ',';
    first = false;
    out += "{\"email\":";
    AppendJsonString(out, email);
    out += ",\"id\":";
    AppendJsonString(out, u.id);
    out += ",\"status\":";
    AppendJsonString(out, LiveStatusName(u.status));
    out += ",\"raw_status\":";
    AppendJsonString(out, u.raw_status);
    out += ",\"grants\":";
    AppendGrantsJson(out, u.grants);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace idsync
