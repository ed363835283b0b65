#include "daemon/apply/snapshot.h"

#include <nlohmann/json.hpp>

namespace idsync {
namespace {

// Appends `text` as a JSON string, escaped as nlohmann's dump() escapes it (ensure_ascii
// off): runs of plain characters are copied whole. A text with a byte above 0x7F goes
// through nlohmann itself, which also judges its UTF-8.
void AppendString(std::string& out, const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t opened = out.size();
  out += '"';
  std::size_t plain = 0;  // the first character not copied yet
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte > 0x7F) {
      out.resize(opened);
      out += nlohmann::json(text).dump();
      return;
    }
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
    }
  }
  out.append(text, plain, std::string::npos);
  out += '"';
}

// Grants as GrantsToJsonValue(grants).dump() writes them: single, scoped, set, each
// only when present.
void AppendGrants(std::string& out, const Grants& grants) {
  out += '{';
  bool first = true;
  auto member = [&](const char* key) {
    if (!first) out += ',';
    first = false;
    out += key;
  };
  if (grants.single) {
    member("\"single\":");
    AppendString(out, *grants.single);
  }
  if (!grants.scoped.empty()) {
    member("\"scoped\":{");
    bool first_scope = true;
    for (const auto& [scope, role] : grants.scoped) {
      if (!first_scope) out += ',';
      first_scope = false;
      AppendString(out, scope);
      out += ':';
      AppendString(out, role);
    }
    out += '}';
  }
  if (!grants.set.empty()) {
    member("\"set\":[");
    bool first_item = true;
    for (const auto& item : grants.set) {
      if (!first_item) out += ',';
      first_item = false;
      AppendString(out, item);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

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
    AppendString(out, email);
    out += ",\"id\":";
    AppendString(out, u.id);
    out += ",\"status\":";
    AppendString(out, LiveStatusName(u.status));
    out += ",\"raw_status\":";
    AppendString(out, u.raw_status);
    out += ",\"grants\":";
    AppendGrants(out, u.grants);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace idsync
