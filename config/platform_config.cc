#include "config/platform_config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "config/binding.h"
#include "core/text.h"
#include "core/url.h"

namespace idsync {
namespace {

const std::vector<std::string>& CredentialKeys(PlatformType type) {
  static const std::vector<std::string> kApiKey = {"api_key"};
  static const std::vector<std::string> kToken = {"token"};
  static const std::vector<std::string> kKeyAndSecret = {"api_key", "api_secret"};
  switch (type) {
    case PlatformType::kHouston: return kApiKey;
    case PlatformType::kWorkspace: return kKeyAndSecret;
    case PlatformType::kAstra:
    case PlatformType::kOrgadmin:
    case PlatformType::kScim: return kToken;
  }
  return kToken;
}

std::vector<std::string_view> AllowedKeys(std::optional<PlatformType> type) {
  std::vector<std::string_view> keys = {"type", "url", "credentials", "offboarding",
                                        "unmanaged", "max_removals", "rate_limit",
                                        "concurrency", "timeout", "tls", "insecure_http"};
  if (!type || *type == PlatformType::kAstra || *type == PlatformType::kOrgadmin)
    keys.push_back("org");
  if (!type || *type == PlatformType::kOrgadmin) keys.push_back("reassert_interval");
  return keys;
}

std::optional<SecretRef> ParseSecret(YamlReader& r, const std::string& key, NodeId value) {
  const std::string what = "credentials." + key;
  if (r.tree().kind(value) == NodeKind::kScalar) {
    r.Error(value, "inline secret in " + what + ": use {env: NAME} or {file: PATH}");
    return std::nullopt;
  }
  auto map = r.Map(value);
  if (!map) return std::nullopt;
  r.CheckKeys(*map, {"env", "file"});
  const auto* env = map->Find("env");
  const auto* file = map->Find("file");
  if ((env != nullptr) == (file != nullptr)) {
    r.Error(map->mark, what + ": expected exactly one of {env: NAME} or {file: PATH}");
    return std::nullopt;
  }
  const auto* e = env ? env : file;
  auto name = r.String(e->value);
  if (!name) return std::nullopt;
  if (name->empty()) {
    r.Error(e->value, what + ": " + std::string(e->key) + " must not be empty");
    return std::nullopt;
  }
  SecretRef ref;
  ref.kind = env ? SecretRef::Kind::kEnv : SecretRef::Kind::kFile;
  ref.name = *name;
  if (file) ref.resolved = ResolveAgainst(r.tree().file(), *name);
  ref.mark = r.Mark(e->value);
  return ref;
}

void ParseCredentials(YamlReader& r, const Mapping::Entry& entry, std::optional<PlatformType> type,
                      PlatformConfig& out) {
  auto map = r.Map(entry.value);
  if (!map) return;
  for (const auto& e : map->entries) {
    std::string key(e.key);
    if (type) {
      const auto& valid = CredentialKeys(*type);
      if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
        r.Error(e.key_node, "unknown credential \"" + key + "\" for a " +
                                std::string(PlatformTypeName(*type)) +
                                " platform; expected: " + JoinNames(valid));
        continue;
      }
    }
    if (auto ref = ParseSecret(r, key, e.value)) out.credentials[key] = std::move(*ref);
  }
  if (!type) return;
  for (const auto& key : CredentialKeys(*type))
    if (!map->Find(key))
      r.Error(map->mark, "missing credential \"" + key + "\" for a " +
                             std::string(PlatformTypeName(*type)) + " platform");
}

std::optional<RemovalLimit> ParseRemovalLimit(YamlReader& r, NodeId value) {
  auto text = r.String(value);
  if (!text) return std::nullopt;
  RemovalLimit limit;
  std::string_view digits = *text;
  if (!digits.empty() && digits.back() == '%') {
    limit.percent = true;
    digits.remove_suffix(1);
  }
  long long n = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || n < 0 ||
      (limit.percent && n > 100)) {
    r.Error(value, "invalid max_removals \"" + *text +
                       "\"; expected a non-negative integer or a percentage \"N%\" (N <= 100)");
    return std::nullopt;
  }
  limit.value = static_cast<double>(n);
  return limit;
}

std::optional<RateLimit> ParseRateLimit(YamlReader& r, NodeId value) {
  auto text = r.String(value);
  if (!text) return std::nullopt;
  std::string_view t = *text;
  size_t slash = t.find('/');
  long long n = 0;
  double per = 0;
  if (slash != std::string_view::npos) {
    std::string_view unit = t.substr(slash + 1);
    per = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + slash, n);
    if (ec != std::errc() || end != t.data() + slash) n = 0;
  }
  if (n <= 0 || per == 0) {
    r.Error(value, "invalid rate_limit \"" + *text + "\"; expected N/s, N/m or N/h with N > 0");
    return std::nullopt;
  }
  return RateLimit{static_cast<double>(n) / per, *text};
}

std::optional<std::chrono::milliseconds> ParseDurationAt(YamlReader& r, NodeId value,
                                                         std::string_view key) {
  auto text = r.String(value);
  if (!text) return std::nullopt;
  auto d = ParseDuration(*text);
  if (!d || d->count() <= 0) {
    r.Error(value, "invalid " + std::string(key) + " \"" + *text +
                       "\"; expected a positive integer with ms, s, m or h (\"30s\")");
    return std::nullopt;
  }
  return d;
}

template <typename Enum>
std::optional<Enum> ParseEnumAt(YamlReader& r, NodeId value, std::string_view key,
                                const std::vector<Enum>& all, std::string_view (*name)(Enum)) {
  auto text = r.String(value);
  if (!text) return std::nullopt;
  std::vector<std::string_view> names;
  for (Enum e : all) {
    if (name(e) == *text) return e;
    names.push_back(name(e));
  }
  r.Error(value, "invalid " + std::string(key) + " \"" + *text + "\"; valid: " + JoinNames(names));
  return std::nullopt;
}

// True when the authority of `url` ("scheme://authority/...", or up to the first "/"
// without a scheme) holds "user[:password]@".
bool HasUserInfo(std::string_view url) {
  const size_t scheme = url.find("://");
  std::string_view authority = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos;
}

void CheckUrl(YamlReader& r, NodeId value, PlatformConfig& p) {
  const std::optional<HttpUrl> parsed = ParseHttpUrl(p.url);
  if (parsed) p.plain_http_remote = !parsed->https && !parsed->loopback;
  if (HasUserInfo(p.url)) {
    // A password in the url is an inline secret; the message must not repeat it.
    r.Error(value, "url must not carry a user name or password (user:password@); "
                   "credentials go under credentials: as {env: NAME} or {file: PATH}");
  } else if (!parsed) {
    r.Error(value, "invalid url \"" + p.url + "\"; expected https://HOST[/PATH]");
  } else if (p.plain_http_remote && !p.insecure_http) {
    r.Error(value, "plain http:// is only allowed for loopback hosts; use https:// or set "
                   "insecure_http: true");
  }
}

// `type:`, required; nullopt when missing or not a known type (reported).
std::optional<PlatformType> ParseTypeKey(YamlReader& r, const Mapping& map) {
  const auto* e = r.Require(map, "type");
  if (!e) return std::nullopt;
  auto text = r.String(e->value);
  if (!text) return std::nullopt;
  std::optional<PlatformType> type = ParsePlatformType(*text);
  if (!type) {
    std::vector<std::string_view> names;
    for (auto t : AllPlatformTypes()) names.push_back(PlatformTypeName(t));
    r.Error(e->value, "invalid type \"" + *text + "\"; valid: " + JoinNames(names));
  }
  return type;
}

// What idsync may do to the platform's users: org, offboarding, unmanaged, max_removals.
void ParsePolicies(YamlReader& r, const Mapping& map, std::optional<PlatformType> type,
                   PlatformConfig& p) {
  if (const auto* e = map.Find("org")) {
    if (auto org = r.String(e->value)) {
      if (IsUuid(*org)) p.org = *org;
      else r.Error(e->value, "invalid org \"" + *org + "\"; expected a UUID");
    }
  } else if (type == PlatformType::kOrgadmin) {
    r.Error(map.mark, "missing required key \"org\"");
  }
  if (const auto* e = map.Find("offboarding")) {
    auto v = ParseEnumAt<Offboarding>(r, e->value, "offboarding",
                                      {Offboarding::kRemove, Offboarding::kRetire}, OffboardingName);
    if (v && type) {
      if (auto why = OffboardingUnsupported(*type, *v)) r.Error(e->value, *why);
    }
    if (v) p.offboarding = *v;
  }
  if (const auto* e = map.Find("unmanaged")) {
    auto v = ParseEnumAt<UnmanagedPolicy>(
        r, e->value, "unmanaged",
        {UnmanagedPolicy::kIgnore, UnmanagedPolicy::kReport, UnmanagedPolicy::kRemove},
        UnmanagedPolicyName);
    if (v && type) {
      if (auto why = UnmanagedUnsupported(*type, *v)) r.Error(e->value, *why);
    }
    if (v) p.unmanaged = *v;
  }
  if (const auto* e = map.Find("max_removals")) p.max_removals = ParseRemovalLimit(r, e->value);
}

// How requests are sent: rate_limit, concurrency, timeout, reassert_interval, tls,
// insecure_http.
void ParseTransport(YamlReader& r, const Mapping& map, PlatformConfig& p) {
  if (const auto* e = map.Find("rate_limit")) p.rate_limit = ParseRateLimit(r, e->value);
  if (const auto* e = map.Find("concurrency")) {
    if (auto n = r.Integer(e->value)) {
      if (*n >= 1 && *n <= 1'000'000) p.concurrency = static_cast<int>(*n);
      else r.Error(e->value, "invalid concurrency " + std::to_string(*n) + "; expected an integer >= 1");
    }
  }
  if (const auto* e = map.Find("timeout")) {
    if (auto d = ParseDurationAt(r, e->value, "timeout")) p.timeout = *d;
  }
  if (const auto* e = map.Find("reassert_interval")) {
    if (auto d = ParseDurationAt(r, e->value, "reassert_interval")) p.reassert_interval = *d;
  }
  if (const auto* e = map.Find("tls")) {
    if (auto tls = r.Map(e->value)) {
      r.CheckKeys(*tls, {"ca_file"});
      if (const auto* ca = r.Require(*tls, "ca_file")) {
        if (auto path = r.String(ca->value)) {
          if (path->empty()) r.Error(ca->value, "tls.ca_file must not be empty");
          else p.ca_file = ResolveAgainst(r.tree().file(), *path);
        }
      }
    }
  }
  if (const auto* e = map.Find("insecure_http")) {
    if (auto b = r.Bool(e->value)) p.insecure_http = *b;
  }
}

}  // namespace

ParsedPlatform ParsePlatform(YamlReader& r, NodeId key, NodeId value) {
  ParsedPlatform parsed;
  PlatformConfig& p = parsed.config;
  p.name = std::string(r.tree().text(key));
  p.mark = r.Mark(key);
  auto map = r.Map(value);
  if (!map) return parsed;

  const std::optional<PlatformType> type = ParseTypeKey(r, *map);
  parsed.type_known = type.has_value();
  if (type) {
    p.type = *type;
    p.offboarding = DefaultOffboarding(*type);
  }
  r.CheckKeys(*map, AllowedKeys(type));

  const Mapping::Entry* url = r.Require(*map, "url");
  if (url) {
    if (auto text = r.String(url->value)) p.url = *text;
    else url = nullptr;
  }
  if (const auto* e = r.Require(*map, "credentials")) ParseCredentials(r, *e, type, p);
  ParsePolicies(r, *map, type, p);
  ParseTransport(r, *map, p);
  if (url) CheckUrl(r, url->value, p);  // after insecure_http, which it depends on
  return parsed;
}

std::string ResolveAgainst(const std::string& manifest_file, const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  std::error_code ec;
  fs::path full = fs::absolute(fs::path(manifest_file).parent_path() / p, ec);
  if (ec) full = fs::path(manifest_file).parent_path() / p;
  return full.lexically_normal().string();
}

}  // namespace idsync
