// Status and StatusOr: the typed result of everything that can fail.
//
// An OK Status carries no allocation (leveldb's idea): success is cheap. A failure
// carries a code that says whether retrying can help and a message with context
// ("workspace: invite alice@acme.io: user already exists").
//
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace idsync {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: manifest, flags, a 400/422 from an API
  kNotFound,            // a 404 or "no such user"
  kAlreadyExists,       // a 409 or "already a member"
  kPermissionDenied,    // a 403 / FORBIDDEN
  kUnauthenticated,     // a 401 / UNAUTHENTICATED
  kFailedPrecondition,  // the platform refused (ok: false) for a reason of state
  kResourceExhausted,   // a 429 (retryable)
  kUnavailable,         // connection errors, 5xx (retryable)
  kDeadlineExceeded,    // timeouts (retryable)
  kInternal,            // a bug or malformed answer
  kCancelled,           // shutdown
  kUnknown,
  kAborted,  // the platform says what idsync recorded no longer holds (orgadmin's
             // `not a member`): a failure, and the record is forgotten so the next
             // plan starts from the live state
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const;
  // Timeouts, connection errors, 429 and 5xx: a retry may succeed.
  bool retryable() const;
  // "UNAVAILABLE: message", or "OK".
  std::string ToString() const;
  // Returns a copy whose message is "prefix: message"; OK stays OK.
  Status WithContext(const std::string& prefix) const;

  bool operator==(const Status& other) const {
    return code() == other.code() && message() == other.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }

// A value, or the Status saying why not. REQUIRES for value(): ok().
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {      // NOLINT: implicit by design
    if (status_.ok()) status_ = Internal("StatusOr constructed from an OK Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace idsync
