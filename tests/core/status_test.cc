#include "core/status.h"

#include <doctest/doctest.h>

namespace idsync {

TEST_CASE("an OK status has no message and is not retryable") {
  Status s;
  CHECK(s.ok());
  CHECK(s.message().empty());
  CHECK_FALSE(s.retryable());
  CHECK(s.ToString() == "OK");
}

TEST_CASE("only 429, 5xx and timeouts are retryable") {
  CHECK(Status(StatusCode::kResourceExhausted, "429").retryable());
  CHECK(Unavailable("503").retryable());
  CHECK(Status(StatusCode::kDeadlineExceeded, "t").retryable());
  CHECK_FALSE(InvalidArgument("400").retryable());
  CHECK_FALSE(Unauthenticated("401").retryable());
  CHECK_FALSE(NotFound("404").retryable());
}

TEST_CASE("context is prefixed and keeps the code") {
  Status s = NotFound("no such user").WithContext("ws: remove bob@x.io");
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message() == "ws: remove bob@x.io: no such user");
  CHECK(OkStatus().WithContext("x").ok());
}

TEST_CASE("StatusOr holds a value or a failure") {
  StatusOr<int> v = 7;
  REQUIRE(v.ok());
  CHECK(*v == 7);
  StatusOr<int> e = Internal("boom");
  CHECK_FALSE(e.ok());
  CHECK(e.status().message() == "boom");
  StatusOr<int> bad = OkStatus();
  CHECK_FALSE(bad.ok());
}

}  // namespace idsync
