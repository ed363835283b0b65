#include "core/url.h"

#include "core/text.h"

namespace idsync {
namespace {

bool IsLoopback(const std::string& host) {
  const std::string lower = NormalizeEmail(host);  // trimmed ASCII lowercase
  if (lower == "localhost" || lower == "::1" || lower == "0:0:0:0:0:0:0:1") return true;
  if (!lower.starts_with("127.")) return false;
  int dots = 0;
  for (char c : lower) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace

std::optional<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl out;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    out.https = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos && rest[end] == '/') {
    std::string_view path = rest.substr(end);
    out.path = std::string(path.substr(0, path.find_first_of("?#")));
  }
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    if (authority.size() > close + 1 && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  out.port = std::string(port);
  out.loopback = IsLoopback(out.host);
  return out;
}

std::string UrlForLog(std::string_view url) {
  const std::optional<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed) return "(unparseable URL)";
  const bool v6 = parsed->host.find(':') != std::string::npos;
  std::string out = parsed->https ? "https://" : "http://";
  out += v6 ? "[" + parsed->host + "]" : parsed->host;
  if (!parsed->port.empty()) out += ":" + parsed->port;
  return out + parsed->path;
}

std::string UrlHost(std::string_view url) {
  const std::optional<HttpUrl> parsed = ParseHttpUrl(url);
  return parsed ? parsed->host : "";
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace idsync
