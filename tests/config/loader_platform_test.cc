// The platform block: required keys, credentials, options, and what each type can do.
#include <doctest/doctest.h>

#include "core/platform.h"
#include "tests/config/load_helpers.h"

namespace idsync {
namespace {

using testing::Errors;

// "platforms: p:" with `body` from line 4.
std::string Doc(const std::string& body) { return "version: 1\nplatforms:\n  p:\n" + body; }

const std::string kHouston =
    "    type: houston\n    url: https://h.example.com\n    credentials: { api_key: { env: H } }\n";
const std::string kAstra =
    "    type: astra\n    url: https://a.example.com\n    credentials: { token: { env: A } }\n";
const std::string kOrgadmin =
    "    type: orgadmin\n    url: https://o.example.com\n    credentials: { token: { env: O } }\n"
    "    org: 6f9619ff-8b86-d011-b42d-00c04fc964ff\n";
const std::string kWorkspace =
    "    type: workspace\n    url: https://w.example.com\n"
    "    credentials: { api_key: { env: K }, api_secret: { env: S } }\n";
const std::string kScim =
    "    type: scim\n    url: https://s.example.com\n    credentials: { token: { env: T } }\n";

struct Case {
  const char* name;
  std::string body;
  std::vector<std::string> want;
};

void RunTable(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(Errors(Doc(c.body)) == c.want);
  }
}

TEST_CASE("a minimal block of every platform type is valid") {
  RunTable({{"houston", kHouston, {}},
            {"astra", kAstra, {}},
            {"orgadmin", kOrgadmin, {}},
            {"workspace", kWorkspace, {}},
            {"scim", kScim, {}}});
}

TEST_CASE("type, url and credentials are required and checked") {
  const std::string kAllKeys =
      "type, url, credentials, offboarding, unmanaged, max_removals, rate_limit, concurrency, "
      "timeout, tls, insecure_http";
  RunTable({
      {"a block that is not a mapping", "    houston\n",
       {"m.yaml:4:5: expected a mapping, got a string"}},
      {"no type", "    url: https://h.example.com\n    credentials: { api_key: { env: H } }\n",
       {"m.yaml:4:5: missing required key \"type\""}},
      {"an unknown type",
       "    type: github\n    url: https://h.example.com\n    credentials: { api_key: { env: H } }\n",
       {"m.yaml:4:11: invalid type \"github\"; valid: houston, astra, orgadmin, workspace, scim"}},
      {"no url", "    type: houston\n    credentials: { api_key: { env: H } }\n",
       {"m.yaml:4:5: missing required key \"url\""}},
      {"no credentials", "    type: houston\n    url: https://h.example.com\n",
       {"m.yaml:4:5: missing required key \"credentials\""}},
      {"an unknown key", kHouston + "    verify: false\n",
       {"m.yaml:7:5: unknown key \"verify\"; expected one of: " + kAllKeys}},
      {"org is not a houston key", kHouston + "    org: 6f9619ff-8b86-d011-b42d-00c04fc964ff\n",
       {"m.yaml:7:5: unknown key \"org\"; expected one of: " + kAllKeys}},
      {"reassert_interval is an orgadmin key only", kScim + "    reassert_interval: 1h\n",
       {"m.yaml:7:5: unknown key \"reassert_interval\"; expected one of: " + kAllKeys}},
      {"orgadmin needs its org",
       "    type: orgadmin\n    url: https://o.example.com\n    credentials: { token: { env: O } }\n",
       {"m.yaml:4:5: missing required key \"org\""}},
      {"an astra org that is not a uuid", kAstra + "    org: 1234\n",
       {"m.yaml:7:10: invalid org \"1234\"; expected a UUID"}},
      {"an astra org is optional and may be any case",
       kAstra + "    org: 6F9619FF-8B86-D011-B42D-00C04FC964FF\n", {}},
  });
}

TEST_CASE("credentials are references, never inline secrets") {
  RunTable({
      {"an inline secret is an error that does not repeat it",
       "    type: houston\n    url: https://h.example.com\n    credentials: { api_key: hunter2 }\n",
       {"m.yaml:6:29: inline secret in credentials.api_key: use {env: NAME} or {file: PATH}"}},
      {"env and file together",
       "    type: houston\n    url: https://h.example.com\n"
       "    credentials: { api_key: { env: H, file: /k } }\n",
       {"m.yaml:6:29: credentials.api_key: expected exactly one of {env: NAME} or {file: PATH}"}},
      {"a reference of an unknown kind",
       "    type: houston\n    url: https://h.example.com\n    credentials: { api_key: { vault: x } }\n",
       {"m.yaml:6:29: credentials.api_key: expected exactly one of {env: NAME} or {file: PATH}",
        "m.yaml:6:31: unknown key \"vault\"; expected one of: env, file"}},
      {"workspace needs both key and secret",
       "    type: workspace\n    url: https://w.example.com\n    credentials: { api_key: { env: K } }\n",
       {"m.yaml:6:18: missing credential \"api_secret\" for a workspace platform"}},
      {"a credential the type does not use",
       "    type: houston\n    url: https://h.example.com\n"
       "    credentials: { api_key: { env: H }, token: { env: T } }\n",
       {"m.yaml:6:41: unknown credential \"token\" for a houston platform; expected: api_key"}},
      {"each type's own credential name",
       "    type: scim\n    url: https://s.example.com\n    credentials: { api_key: { env: H } }\n",
       {"m.yaml:6:18: missing credential \"token\" for a scim platform",
        "m.yaml:6:20: unknown credential \"api_key\" for a scim platform; expected: token"}},
  });
}

TEST_CASE("offboarding and unmanaged must be something the platform can do") {
  auto core = [](const std::string& where, std::optional<std::string> message) {
    REQUIRE(message.has_value());
    return "m.yaml:" + where + ": " + *message;
  };
  RunTable({
      {"astra cannot retire", kAstra + "    offboarding: retire\n",
       {core("7:18", OffboardingUnsupported(PlatformType::kAstra, Offboarding::kRetire))}},
      {"workspace cannot remove", kWorkspace + "    offboarding: remove\n",
       {core("7:18", OffboardingUnsupported(PlatformType::kWorkspace, Offboarding::kRemove))}},
      {"orgadmin cannot remove", kOrgadmin + "    offboarding: remove\n",
       {core("8:18", OffboardingUnsupported(PlatformType::kOrgadmin, Offboarding::kRemove))}},
      {"unmanaged remove on orgadmin", kOrgadmin + "    unmanaged: remove\n",
       {core("8:16", UnmanagedUnsupported(PlatformType::kOrgadmin, UnmanagedPolicy::kRemove))}},
      {"unmanaged remove on workspace", kWorkspace + "    unmanaged: remove\n",
       {core("7:16", UnmanagedUnsupported(PlatformType::kWorkspace, UnmanagedPolicy::kRemove))}},
      {"houston and scim do both",
       kHouston + "    offboarding: retire\n    unmanaged: remove\n", {}},
      {"an offboarding value that does not exist", kHouston + "    offboarding: delete\n",
       {"m.yaml:7:18: invalid offboarding \"delete\"; valid: remove, retire"}},
      {"an unmanaged value that does not exist", kHouston + "    unmanaged: purge\n",
       {"m.yaml:7:16: invalid unmanaged \"purge\"; valid: ignore, report, remove"}},
  });
}

TEST_CASE("numeric and duration options are checked at the value") {
  const std::string kRemovals =
      "; expected a non-negative integer or a percentage \"N%\" (N <= 100)";
  const std::string kRate = "; expected N/s, N/m or N/h with N > 0";
  const std::string kDuration = "; expected a positive integer with ms, s, m or h (\"30s\")";
  RunTable({
      {"max_removals as a count and as a percentage",
       kHouston + "    max_removals: 0\n    concurrency: 1\n", {}},
      {"a negative max_removals", kHouston + "    max_removals: -1\n",
       {"m.yaml:7:19: invalid max_removals \"-1\"" + kRemovals}},
      {"a percentage over 100", kHouston + "    max_removals: 101%\n",
       {"m.yaml:7:19: invalid max_removals \"101%\"" + kRemovals}},
      {"max_removals that is not a number", kHouston + "    max_removals: some\n",
       {"m.yaml:7:19: invalid max_removals \"some\"" + kRemovals}},
      {"a rate per day", kHouston + "    rate_limit: 10/d\n",
       {"m.yaml:7:17: invalid rate_limit \"10/d\"" + kRate}},
      {"a zero rate", kHouston + "    rate_limit: 0/s\n",
       {"m.yaml:7:17: invalid rate_limit \"0/s\"" + kRate}},
      {"a rate without unit", kHouston + "    rate_limit: 10\n",
       {"m.yaml:7:17: invalid rate_limit \"10\"" + kRate}},
      {"concurrency zero", kHouston + "    concurrency: 0\n",
       {"m.yaml:7:18: invalid concurrency 0; expected an integer >= 1"}},
      {"concurrency that is not a number", kHouston + "    concurrency: many\n",
       {"m.yaml:7:18: expected an integer, got \"many\""}},
      {"a timeout without unit", kHouston + "    timeout: 30\n",
       {"m.yaml:7:14: invalid timeout \"30\"" + kDuration}},
      {"a zero timeout", kHouston + "    timeout: 0s\n",
       {"m.yaml:7:14: invalid timeout \"0s\"" + kDuration}},
      {"a reassert_interval that is not a duration", kOrgadmin + "    reassert_interval: daily\n",
       {"m.yaml:8:24: invalid reassert_interval \"daily\"" + kDuration}},
      {"tls holds ca_file only, and needs it", kHouston + "    tls: { verify: false }\n",
       {"m.yaml:7:10: missing required key \"ca_file\"",
        "m.yaml:7:12: unknown key \"verify\"; expected one of: ca_file"}},
      {"insecure_http is true or false", kHouston + "    insecure_http: yes\n",
       {"m.yaml:7:20: expected true or false, got \"yes\""}},
  });
}

TEST_CASE("urls are https, or plain http on loopback or when insecure_http is set") {
  auto with_url = [](const std::string& url, const std::string& extra = "") {
    return "    type: houston\n    url: " + url + "\n    credentials: { api_key: { env: H } }\n" +
           extra;
  };
  const std::string kPlain =
      "plain http:// is only allowed for loopback hosts; use https:// or set insecure_http: true";
  RunTable({
      {"https anywhere", with_url("https://houston.example.com/v1"), {}},
      {"http on localhost", with_url("http://localhost:8080/houston/v1"), {}},
      {"http on 127.0.0.1", with_url("http://127.0.0.1:9000/v1"), {}},
      {"http anywhere in 127.0.0.0/8", with_url("http://127.3.2.1/v1"), {}},
      {"http on ::1", with_url("http://[::1]:8080/v1"), {}},
      {"http elsewhere", with_url("http://houston.example.com/v1"), {"m.yaml:5:10: " + kPlain}},
      {"a name that only starts like a loopback address", with_url("http://127.example.com/"),
       {"m.yaml:5:10: " + kPlain}},
      {"http elsewhere with insecure_http: true",
       with_url("http://houston.example.com/v1", "    insecure_http: true\n"), {}},
      {"another scheme", with_url("ftp://houston.example.com"),
       {"m.yaml:5:10: invalid url \"ftp://houston.example.com\"; expected https://HOST[/PATH]"}},
      {"no host", with_url("https:///v1"),
       {"m.yaml:5:10: invalid url \"https:///v1\"; expected https://HOST[/PATH]"}},
      {"a list", with_url("[https://a.example.com]"),
       {"m.yaml:5:10: expected a string, got a sequence"}},
  });
}

}  // namespace
}  // namespace idsync
