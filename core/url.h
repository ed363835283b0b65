// The one home for URL handling (connectors, config and logs alike): parsing an
// http(s) URL, the URL as logs and messages show it, and percent-encoding of path
// segments and query values. Pure functions; no library does it behind our back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace idsync {

struct HttpUrl {
  bool https = false;
  std::string host;       // as written, without the brackets of an IPv6 literal
  std::string port;       // "" when absent
  std::string path;       // from the first '/' up to '?' or '#'; may be ""
  bool loopback = false;  // localhost, 127.0.0.0/8 (dotted quad), ::1
};

// An http:// or https:// URL with a host, or nullopt. User info ("user:pw@") is
// skipped, never returned.
std::optional<HttpUrl> ParseHttpUrl(std::string_view url);

// The URL without user info, query or fragment ("https://h.example:8443/v1"): what logs
// and error messages show. "(unparseable URL)" when ParseHttpUrl rejects it.
std::string UrlForLog(std::string_view url);

// The host part ("h.example"), or "" when the URL does not parse.
std::string UrlHost(std::string_view url);

// Every byte but RFC 3986's unreserved characters (ALPHA DIGIT - . _ ~) as %XX with
// upper-case hex: safe as one path segment or one query value.
std::string PercentEncode(std::string_view text);

}  // namespace idsync
