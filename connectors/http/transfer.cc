#include "connectors/http/transfer.h"

#include <curl/curl.h>

#include <algorithm>

#include "connectors/http/body_stream.h"
#include "connectors/http/trust.h"
#include "core/url.h"
#include "core/text.h"

#ifndef IDSYNC_VERSION
#define IDSYNC_VERSION "0.0.0"
#endif

static_assert(CURL_ERROR_SIZE == 256, "CurlTransfer::errbuf_ must hold CURL_ERROR_SIZE bytes");

namespace idsync {
namespace {

// One header line per call: "Name: value\r\n". A status line starts a new response
// (after a 100 Continue or an HTTP/1 upgrade), so it clears what came before.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return size * count;
}

// libcurl's built-in CA bundle (the system's), or "" when it has none.
std::string BuiltInCaFile(CURL* curl) {
  char* path = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CAINFO, &path) != CURLE_OK || path == nullptr) return "";
  return path;
}

// The system's trust plus `ca_file` when set (trust.h).
Status SetTrust(CURL* curl, const std::optional<std::string>& ca_file) {
  if (!ca_file) return OkStatus();
  StatusOr<std::shared_ptr<const std::string>> bundle = TrustBundle(BuiltInCaFile(curl), *ca_file);
  if (!bundle.ok()) return bundle.status();
  curl_blob blob{const_cast<char*>((*bundle)->data()), (*bundle)->size(), CURL_BLOB_COPY};
  if (curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK) {
    return FailedPrecondition("TLS CA file " + *ca_file +
                              " could not be used: this libcurl cannot add a CA to the system's "
                              "(no CURLOPT_CAINFO_BLOB)");
  }
  return OkStatus();
}

// Appends every header of `headers`, then "Expect:" (no 100-continue round trip before
// bodies), to `*list`. False when curl could not append one; `*list` then holds those
// appended before.
bool AppendHeaders(const HttpHeaders& headers, curl_slist** list) {
  auto append = [list](const std::string& line) {
    curl_slist* head = curl_slist_append(*list, line.c_str());
    if (head == nullptr) return false;  // the list is unchanged
    *list = head;
    return true;
  };
  for (const auto& [name, value] : headers) {
    if (!append(value.empty() ? name + ";" : name + ": " + value)) return false;
  }
  return append("Expect:");
}

// The request's method, and its body for any method but GET and HEAD.
void SetMethod(CURL* curl, const HttpRequest& request) {
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (request.method == "POST" || !request.body.empty()) {
    // The size first: COPYPOSTFIELDS copies that many bytes (the body may hold NULs).
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, request.body.data());
  }
  if (request.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

}  // namespace

std::string DefaultUserAgent() { return std::string("idsync/") + IDSYNC_VERSION; }

void EnsureCurlInitialised() {
  // curl_global_init is not safe to race with other curl calls: once, before any use.
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
}

StatusOr<std::unique_ptr<CurlTransfer>> CurlTransfer::Prepare(const HttpRequest& request,
                                                              const TransferOptions& options) {
  EnsureCurlInitialised();
  std::unique_ptr<CurlTransfer> transfer(new CurlTransfer(request, options));
  if (transfer->easy_ == nullptr) return Internal("curl_easy_init failed");
  CURL* curl = transfer->easy_;

  curl_slist* headers = nullptr;
  const bool appended = AppendHeaders(request.headers, &headers);
  transfer->header_list_ = headers;  // freed with the transfer, whole or not
  if (!appended) return Internal("curl_slist_append failed");

  const auto timeout = transfer->timeout_;
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer->errbuf_);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (Status trust = SetTrust(curl, options.ca_file); !trust.ok()) return trust;
  // A body read as it arrives pauses its transfer while the reader is behind; pausing
  // an HTTP/2 stream has had stalls in libcurl releases still shipped (7.x), so such a
  // request (one listing per platform) goes over HTTP/1.1.
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                   static_cast<long>(request.reader != nullptr ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(options.connect_timeout, timeout).count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer->response_.headers);

  SetMethod(curl, request);
  return transfer;
}

size_t CurlTransfer::OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  const size_t n = size * count;
  if (transfer->body_mode_ == BodyMode::kUndecided) {
    long status = 0;
    curl_easy_getinfo(transfer->easy_, CURLINFO_RESPONSE_CODE, &status);
    if (transfer->stream_ != nullptr && status >= 200 && status < 300) {
      transfer->body_mode_ = BodyMode::kStreamed;
      transfer->stream_->Begin();
    } else {
      transfer->body_mode_ = BodyMode::kHeld;
      // One allocation for a body of announced size, not a doubling per megabyte (a
      // hostile length is not trusted beyond 64 MB).
      curl_off_t length = -1;
      curl_easy_getinfo(transfer->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length > 0) {
        transfer->response_.body.reserve(static_cast<size_t>(std::min<curl_off_t>(length, 64 << 20)));
      }
    }
  }
  if (transfer->body_mode_ == BodyMode::kStreamed) {
    return transfer->stream_->Offer(std::string_view(data, n)) ? n : CURL_WRITEFUNC_PAUSE;
  }
  transfer->response_.body.append(data, n);
  return n;
}

CurlTransfer::CurlTransfer(const HttpRequest& request, const TransferOptions& options)
    : easy_(curl_easy_init()),
      method_(request.method),
      url_(request.url),
      timeout_(request.timeout.count() > 0 ? request.timeout : options.timeout),
      ca_file_(options.ca_file) {}

CurlTransfer::~CurlTransfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(static_cast<curl_slist*>(header_list_));
}

StatusOr<HttpResponse> CurlTransfer::Finish(int result) {
  const auto code = static_cast<CURLcode>(result);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    response_.status = static_cast<int>(status);
    return std::move(response_);
  }
  const std::string detail = errbuf_[0] != '\0' ? errbuf_ : curl_easy_strerror(code);
  const std::string what = method_ + " " + UrlForLog(url_);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status(StatusCode::kDeadlineExceeded,
                    what + ": timed out after " + FormatDuration(timeout_) + ": " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
      return FailedPrecondition("TLS certificate verification failed for " + UrlHost(url_) +
                                ": " + detail);
    case CURLE_SSL_CACERT_BADFILE:
      return FailedPrecondition("TLS CA file " + ca_file_.value_or("(system)") +
                                " could not be used: " + detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(what + ": " + detail);
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return Internal(what + ": " + detail);
    default:
      // DNS, connect, send/receive, reset, TLS handshake, HTTP/2 stream errors.
      return Unavailable(what + ": " + detail);
  }
}

}  // namespace idsync
