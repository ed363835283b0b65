#include "connectors/http/url.h"

#include <curl/curl.h>

#include <memory>

namespace idsync {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

UrlHandle Parse(std::string_view url) {
  UrlHandle handle(curl_url());
  if (!handle) return nullptr;
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return nullptr;
  return handle;
}

std::string Get(CURLU* handle, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(handle, part, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

std::string UrlForLog(std::string_view url) {
  UrlHandle handle = Parse(url);
  if (!handle) return "(unparseable URL)";
  for (CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                         CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
    curl_url_set(handle.get(), part, nullptr, 0);
  }
  std::string out = Get(handle.get(), CURLUPART_URL);
  return out.empty() ? "(unparseable URL)" : out;
}

std::string UrlHost(std::string_view url) {
  UrlHandle handle = Parse(url);
  return handle ? Get(handle.get(), CURLUPART_HOST) : "";
}

}  // namespace idsync
