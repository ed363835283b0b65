#include "connectors/http/http_client.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace idsync {

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (HeaderNameEquals(key, name)) return value;
  }
  return std::nullopt;
}

StatusCode MapHttpCodeToStatus(int http_status) {
  if (http_status >= 200 && http_status < 300) return StatusCode::kOk;
  switch (http_status) {
    case 400:
    case 422: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAlreadyExists;
    case 429: return StatusCode::kResourceExhausted;
    default: break;
  }
  if (http_status >= 500 && http_status < 600) return StatusCode::kUnavailable;
  return StatusCode::kFailedPrecondition;
}

std::string BodySnippet(std::string_view body, std::size_t limit) {
  std::string out;
  bool space = false;
  for (unsigned char c : body) {
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
    if (out.size() >= limit) break;
  }
  if (out.size() > limit) out.resize(limit);
  // Never cut a UTF-8 sequence in half: drop a trailing incomplete one.
  std::size_t end = out.size();
  std::size_t lead = end;
  while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead > 0) {
    const auto c = static_cast<unsigned char>(out[lead - 1]);
    const std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (end - (lead - 1) < need) out.resize(lead - 1);
  }
  return out;
}

Status AsStatus(const HttpResponse& response, std::string_view what) {
  const StatusCode code = MapHttpCodeToStatus(response.status);
  if (code == StatusCode::kOk) return OkStatus();
  std::string message = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (std::string snippet = BodySnippet(response.body); !snippet.empty()) {
    message += ": " + snippet;
  }
  return Status(code, std::move(message));
}

Status ScrubSecrets(const Status& status, const std::vector<std::string>& secrets) {
  if (status.ok()) return status;
  // One pass over the original text, longest secret first at each position, so a
  // replacement is never searched again (a one-letter secret must not eat into the
  // "(redacted)" that replaced another).
  const std::string& message = status.message();
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size();) {
    std::size_t match = 0;
    for (const std::string& secret : secrets) {
      if (secret.size() >= kMinScrubbedSecret && secret.size() > match &&
          message.compare(i, secret.size(), secret) == 0)
        match = secret.size();
    }
    if (match > 0) {
      out += Redact(message.substr(i, match));
      i += match;
    } else {
      out += message[i++];
    }
  }
  return Status(status.code(), std::move(out));
}

}  // namespace idsync
