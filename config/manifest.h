// The manifest as a value (SPEC §2): what config/ produces from YAML and every other
// layer reads. A field the manifest omits is std::optional and means "not managed"
// or "the default", never "set to empty".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/shared_text.h"
#include "core/grants.h"
#include "core/platform.h"

namespace idsync {

// Where something was written: for FILE:LINE:COLUMN errors (1-based). 16 bytes: the
// marks of one file share its name.
struct SourceMark {
  SharedString file;
  int32_t line = 1;
  int32_t column = 1;
  bool operator==(const SourceMark&) const = default;
};
std::string ToString(const SourceMark& mark);  // "FILE:LINE:COLUMN"

// One problem found while loading: printed as "FILE:LINE:COLUMN: message".
struct Diagnostic {
  SourceMark mark;
  std::string message;
  bool operator==(const Diagnostic&) const = default;
};
std::string ToString(const Diagnostic& d);

// A credential reference: {env: NAME} or {file: PATH}. Never the secret itself.
struct SecretRef {
  enum class Kind { kEnv, kFile };
  Kind kind = Kind::kEnv;
  std::string name;      // variable name, or path as written
  std::string resolved;  // kFile: path made absolute against the manifest's directory
  SourceMark mark;
  bool operator==(const SecretRef&) const = default;
};

// max_removals: a count or a percentage of the accounts managed on the platform.
struct RemovalLimit {
  bool percent = false;
  double value = 0;  // count, or percent in [0, 100]
  bool operator==(const RemovalLimit&) const = default;
};

// rate_limit: N per second/minute/hour.
struct RateLimit {
  double per_second = 0;
  std::string text;  // as written: "10/s"
  bool operator==(const RateLimit&) const = default;
};

struct PlatformConfig {
  std::string name;  // instance name ("astro")
  PlatformType type = PlatformType::kWorkspace;
  std::string url;
  std::map<std::string, SecretRef> credentials;  // "api_key" -> {env: ...}
  std::optional<std::string> org;                // astra (optional), orgadmin (required)
  Offboarding offboarding = Offboarding::kRetire;  // DefaultOffboarding(type) if unset
  UnmanagedPolicy unmanaged = UnmanagedPolicy::kIgnore;
  std::optional<RemovalLimit> max_removals;  // unset: max(5, 10%)
  std::optional<RateLimit> rate_limit;       // unset: adapt to 429s
  int concurrency = 8;
  std::chrono::milliseconds timeout{30'000};
  std::optional<std::string> ca_file;        // tls: { ca_file: ... }, made absolute
  bool insecure_http = false;
  bool plain_http_remote = false;  // computed at load: http:// to a host that is not loopback
  std::chrono::milliseconds reassert_interval{24 * 3'600'000};  // orgadmin
  SourceMark mark;  // the instance's key
};

// A role: per platform instance, the grants it binds (already in Grants shape).
struct Role {
  std::string name;
  std::map<std::string, Grants> bindings;  // platform instance -> grants
  SourceMark mark;
};

// When a user, or one of their memberships, stops counting (SPEC §2 `expires:`).
struct Expiry {
  int64_t at = 0;    // unix seconds: the first instant it no longer counts
  std::string text;  // as written: "2027-01-31" (end of that day UTC: at = next midnight)
  SourceMark mark;   // the value
  bool operator==(const Expiry&) const = default;
};

// One item of a `roles:` or `groups:` list: a name, or { role|group: NAME, expires: WHEN }
// (the expiring form in a user's lists only).
struct Membership {
  SharedString name;     // one allocation per distinct name in a manifest
  Boxed<Expiry> expires;
  SourceMark mark;  // the name
  bool operator==(const Membership&) const = default;
};

struct Group {
  std::string name;
  std::vector<std::string> roles;
  std::vector<Membership> groups;  // nested groups (SPEC §2); the loader refuses cycles
  SourceMark mark;
};

// Kept small (about 210 bytes plus its strings): a manifest may hold a million users.
// Rarely set fields are Boxed (8 bytes when unset).
struct User {
  std::string email;             // normalised: identity
  std::string email_as_written;  // trimmed
  std::optional<std::string> name;
  Boxed<std::string> given_name;
  Boxed<std::string> family_name;
  std::vector<Membership> groups;
  std::vector<Membership> roles;
  Boxed<Expiry> expires;  // the whole user
  Boxed<std::string> external_id;
  SourceMark mark;  // the list item
  bool suspended = false;
};

struct Manifest {
  std::vector<std::string> files;  // every file read, sorted
  std::map<std::string, PlatformConfig> platforms;
  std::map<std::string, Role> roles;
  std::map<std::string, Group> groups;
  std::vector<User> users;  // in file order; emails unique
  std::string digest;       // sha256 hex of the files' bytes, in path order
};

}  // namespace idsync
