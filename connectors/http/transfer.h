// One HTTP request as a libcurl easy handle, ready to be driven by a multi handle
// (HttpEngine), and the mapping of its outcome onto http_client.h's contract. This is
// the only place an easy handle is configured, so every connector's request has the
// same settings: TLS peer and host verification always on (`ca_file` adds trust,
// never removes it), HTTP/2 when the server offers it over TLS (multiplexed onto an
// existing connection rather than opening another: PIPEWAIT) unless the request has a
// BodyReader (HTTP/1.1: see Prepare), TCP keep-alive,
// redirects not followed, any encoding libcurl can decode.
//
// Errors (see http_client.h): timeouts kDeadlineExceeded; DNS, connect, send/receive
// failures and TLS handshake failures kUnavailable; a certificate that fails
// verification kFailedPrecondition "TLS certificate verification failed for <host>:
// <curl message>"; a CA file that cannot be used kFailedPrecondition; a malformed URL
// or a scheme other than http/https kInvalidArgument.
//
// Thread-safety: a CurlTransfer is used by one thread at a time (built by the caller,
// then handed to the engine thread). DefaultUserAgent is safe from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "connectors/http/http_client.h"

namespace idsync {

class BodyStream;

// "idsync/<version>".
std::string DefaultUserAgent();

// What every request of one lane shares.
struct TransferOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // Total time of one transfer (from when it starts, not from when it was queued)
  // when the request does not set its own.
  std::chrono::milliseconds timeout{30'000};
  std::optional<std::string> ca_file;  // PEM bundle trusted in addition to the system's
  std::string user_agent = DefaultUserAgent();
};

// Calls curl_global_init once per process; every function here does it for you.
void EnsureCurlInitialised();

class CurlTransfer {
 public:
  // A configured easy handle for `request`; Internal when libcurl cannot allocate.
  static StatusOr<std::unique_ptr<CurlTransfer>> Prepare(const HttpRequest& request,
                                                         const TransferOptions& options);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // The CURL* to add to a multi handle. Owned by this object.
  void* easy() const { return easy_; }

  // Hands a 2xx answer's body to `stream` (body_stream.h) instead of holding it: the
  // write callback then returns CURL_WRITEFUNC_PAUSE while the stream is full. Any
  // other answer's body is held as usual. REQUIRES: before the transfer starts;
  // `stream` outlives the transfer.
  void StreamTo(BodyStream* stream) { stream_ = stream; }

  // The outcome once libcurl reports the transfer done with `code` (a CURLcode):
  // the response for any HTTP answer, else the mapped transport Status.
  // REQUIRES: called once, after the handle left the multi handle.
  StatusOr<HttpResponse> Finish(int code);

 private:
  CurlTransfer(const HttpRequest& request, const TransferOptions& options);
  // libcurl's write callback (`user` is the CurlTransfer).
  static size_t OnBody(char* data, size_t size, size_t count, void* user);

  void* easy_ = nullptr;
  void* header_list_ = nullptr;  // curl_slist*
  std::string method_, url_;     // for error messages
  std::chrono::milliseconds timeout_;
  std::optional<std::string> ca_file_;
  HttpResponse response_;
  BodyStream* stream_ = nullptr;
  enum class BodyMode { kUndecided, kHeld, kStreamed } body_mode_ = BodyMode::kUndecided;
  char errbuf_[256] = {0};       // CURL_ERROR_SIZE
};

}  // namespace idsync
