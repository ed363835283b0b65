// URL pieces for messages and logs, parsed by libcurl's URL API (never by hand).
#pragma once

#include <string>
#include <string_view>

namespace idsync {

// The URL without user info, query or fragment ("https://h.example/v1"): what logs
// and error messages show. Returns "(unparseable URL)" when libcurl rejects it.
std::string UrlForLog(std::string_view url);

// The host part ("h.example"), or "" when the URL does not parse.
std::string UrlHost(std::string_view url);

}  // namespace idsync
