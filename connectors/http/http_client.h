// The transport every connector sees (STYLE: google-cloud-cpp's RestClient): plain
// request and response values and one interface, so tests and decorators (retry,
// logging) replace or wrap it without touching a socket.
//
// Contract of Send: a transport failure (DNS, connection refused or reset, timeout,
// TLS) is a non-OK Status: kUnavailable or kDeadlineExceeded (retryable), or
// kFailedPrecondition for a TLS certificate that fails verification (not retryable).
// Any HTTP answer, even a 500, is an OK StatusOr carrying the response; AsStatus()
// turns a response into a Status when the caller wants one.
//
// Thread-safety: implementations are safe to call from several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace idsync {

// In order, names as written; lookups are case-insensitive (HTTP field names are).
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse;

// Whether an answer is a transient failure although its HTTP status says otherwise
// (GraphQL's INTERNAL_SERVER_ERROR arrives with HTTP 200). Set by the layer that
// understands the body (graphql.h); the retry loop asks it (retry.h IsRetryable).
using TransientAnswer = std::function<bool(const HttpResponse&)>;

// One answer's body as it arrives, for a BodyReader.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // The next bytes of the body, valid until the next call; empty at its end, and from
  // then on. Blocks until bytes arrive or the transfer is over.
  virtual std::string_view Next() = 0;
  // True when Next ended the body early because it echoed a credential of the request:
  // the reader must then decline it, so that it is scrubbed (logging.h). (A transfer
  // that fails midway also just ends the body; Send returns the failure.)
  virtual bool Cut() const = 0;
};

// Reads a 2xx answer's body as it arrives, so that nobody holds all of it (a listing
// of a million users): set on HttpRequest::reader.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Called on Send's thread, before Send returns, once per transfer whose answer is
  // 2xx: again, from nothing, for each transfer of a retried request. True when it
  // took the body; false to decline it (it may stop reading anywhere): Send then
  // returns the body as without a reader when it was at most kMaxBodyGivenBack bytes,
  // else marks it dropped (HttpResponse::body_dropped).
  virtual bool Read(BodySource& body) = 0;
};

inline constexpr std::size_t kMaxBodyGivenBack = std::size_t{1} << 20;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  // Total time allowed for this request; zero means the client's default.
  std::chrono::milliseconds timeout{0};
  // Null: the HTTP status alone decides whether an answer is retried.
  TransientAnswer transient;
  // Null: the answer's body is held whole in HttpResponse::body. Set: a 2xx body is
  // handed to it as it arrives (BodyReader). A client that cannot stream (a test's
  // fake) ignores it and holds the body; the caller must accept both. Not owned; used
  // only during Send.
  BodyReader* reader = nullptr;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // The request's reader took the body: `body` is empty.
  bool body_read = false;
  // The request's reader declined a body too large to give back after reading part of
  // it: `body` is empty, not the answer's. Send again without a reader to see it.
  bool body_dropped = false;
  // The body's size in bytes when it was read or dropped (else body.size() says it).
  std::uint64_t body_bytes = 0;

  // The value of the first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// HTTP status -> StatusCode: 2xx kOk, 400/422 kInvalidArgument, 401 kUnauthenticated,
// 403 kPermissionDenied, 404 kNotFound, 409 kAlreadyExists, 429 kResourceExhausted,
// 5xx kUnavailable, any other code kFailedPrecondition (a 3xx is never followed).
StatusCode MapHttpCodeToStatus(int http_status);

// OK for a 2xx answer; otherwise a Status with the mapped code and the message
// "<what>: HTTP <status>: <first 200 bytes of the body>" (body omitted when empty).
Status AsStatus(const HttpResponse& response, std::string_view what);

// At most the first `limit` bytes of `body` with whitespace runs folded into one
// space, for error messages ("<html> <head>..." from an ingress).
std::string BodySnippet(std::string_view body, std::size_t limit = 200);

// `status` with every occurrence of each value in `secrets` replaced by
// Redact(value): a last defence for APIs that echo a credential in an error message.
// Values shorter than kMinScrubbedSecret are left alone: they cannot be told apart
// from ordinary words, no real credential is that short, and scrubbing "a" would
// garble every message.
inline constexpr std::size_t kMinScrubbedSecret = 4;
Status ScrubSecrets(const Status& status, const std::vector<std::string>& secrets);

// Case-insensitive ASCII comparison, for header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace idsync
