// The listener on a loopback port with a real httplib::Client, and the metrics it
// serves parsed line by line.
#include "daemon/run/http_api.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <set>
#include <sstream>

#include "daemon/run/metrics.h"

namespace idsync {
namespace {

struct Served {
  std::atomic<bool> ready{false};
  std::atomic<int> reconciles{0};
  Metrics metrics;
  ApiServer server;
  explicit Served(std::optional<std::string> token = std::nullopt)
      : server(ApiHandlers{[this] { return ready.load(); }, [this] { return metrics.Serialize(); },
                           [] { return nlohmann::json{{"manifest", {{"valid", true}}}, {"platforms", nlohmann::json::array()}}; },
                           [this] { ++reconciles; }},
               std::move(token)) {
    REQUIRE(server.Listen({"127.0.0.1", 0}).ok());
    REQUIRE(server.port() > 0);
    server.Start();
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
  }
};

PlatformOutcome SampleOutcome() {
  PlatformOutcome o;
  o.plan.platform = "ws";
  Action invite;
  invite.platform = "ws";
  invite.email = "a@x.io";
  invite.verb = Verb::kInvite;
  invite.disposition = Disposition::kApply;
  Action deferred = invite;
  deferred.verb = Verb::kGrant;
  deferred.disposition = Disposition::kDeferred;
  o.plan.actions = {invite, deferred};
  o.plan.unmanaged = {};
  o.succeeded = 1;
  o.succeeded_by_verb["invite"] = 1;
  o.deferred = 1;
  o.drift = 2;
  return o;
}

// Parsed exposition: metric family -> TYPE, HELP seen; samples by full name.
struct Exposition {
  std::map<std::string, std::string> type, help;
  std::vector<std::pair<std::string, double>> samples;  // "name{labels}" -> value
  double Value(const std::string& series) const {
    for (const auto& [s, v] : samples)
      if (s == series) return v;
    FAIL("no sample " << series);
    return 0;
  }
};

Exposition Parse(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# HELP ")) {
      auto rest = line.substr(7);
      auto sp = rest.find(' ');
      REQUIRE(sp != std::string::npos);
      e.help[rest.substr(0, sp)] = rest.substr(sp + 1);
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      e.type[name] = type;
      continue;
    }
    REQUIRE_MESSAGE(line[0] != '#', "unexpected comment: " << line);
    auto sp = line.rfind(' ');
    REQUIRE_MESSAGE(sp != std::string::npos, "not a sample: " << line);
    std::string series = line.substr(0, sp);
    std::string family = series.substr(0, series.find('{'));
    bool known = e.type.count(family) > 0;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (family.ends_with(suffix) && e.type.count(family.substr(0, family.size() - std::string(suffix).size())))
        known = true;
    CHECK_MESSAGE(known, "sample before its TYPE line: " << line);
    e.samples.emplace_back(series, std::stod(line.substr(sp + 1)));
  }
  return e;
}

}  // namespace

TEST_CASE("listen addresses are parsed and loopback is recognised") {
  auto a = ParseListen("127.0.0.1:9464");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 9464);
  auto v6 = ParseListen("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  for (const char* bad : {"9464", ":9464", "host:", "host:99999", "host:12x", "[::1]9464"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseListen(bad).ok());
  }
  CHECK(IsLoopback("127.0.0.1"));
  CHECK(IsLoopback("127.1.2.3"));
  CHECK(IsLoopback("::1"));
  CHECK(IsLoopback("localhost"));
  CHECK_FALSE(IsLoopback("0.0.0.0"));
  CHECK_FALSE(IsLoopback("10.0.0.1"));
  CHECK_FALSE(IsLoopback("::"));
}

TEST_CASE("a listener off loopback refuses to start without IDSYNC_API_TOKEN") {
  CHECK(CheckTokenRule({"127.0.0.1", 9464}, std::nullopt).ok());
  Status refused = CheckTokenRule({"0.0.0.0", 9464}, std::nullopt);
  CHECK(refused.code() == StatusCode::kFailedPrecondition);
  CHECK(refused.message().find("IDSYNC_API_TOKEN") != std::string::npos);
  CHECK_FALSE(CheckTokenRule({"0.0.0.0", 9464}, std::string()).ok());
  CHECK(CheckTokenRule({"0.0.0.0", 9464}, std::string("s3cret")).ok());
}

TEST_CASE("healthz answers at once and readyz only once ready") {
  Served s;
  auto c = s.Client();
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto before = c.Get("/readyz");
  REQUIRE(before);
  CHECK(before->status == 503);
  s.ready = true;
  auto after = c.Get("/readyz");
  REQUIRE(after);
  CHECK(after->status == 200);
  auto missing = c.Get("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("status is JSON and reconcile on a loopback listener needs no token") {
  Served s;
  auto c = s.Client();
  auto status = c.Get("/v1/status");
  REQUIRE(status);
  CHECK(status->get_header_value("Content-Type") == "application/json");
  CHECK(nlohmann::json::parse(status->body)["manifest"]["valid"] == true);
  auto post = c.Post("/v1/reconcile", "", "application/json");
  REQUIRE(post);
  CHECK(post->status == 202);
  CHECK(s.reconciles == 1);
}

TEST_CASE("reconcile with a token set needs exactly that bearer token") {
  Served s(std::string("s3cret-token"));
  auto c = s.Client();
  struct Case {
    const char* name;
    std::optional<std::string> header;
    int want;
  };
  Case cases[] = {
      {"no header", std::nullopt, 401},
      {"wrong token", "Bearer nope", 401},
      {"token without Bearer", "s3cret-token", 401},
      {"a longer token", "Bearer s3cret-token-and-more", 401},
      {"right token", "Bearer s3cret-token", 202},
  };
  int accepted = 0;
  for (const auto& k : cases) {
    CAPTURE(k.name);
    httplib::Headers headers;
    if (k.header) headers.emplace("Authorization", *k.header);
    auto res = c.Post("/v1/reconcile", headers, "", "application/json");
    REQUIRE(res);
    CHECK(res->status == k.want);
    CHECK(res->body.find("s3cret") == std::string::npos);
    if (k.want == 202) ++accepted;
  }
  CHECK(s.reconciles == accepted);
}

TEST_CASE("metrics are Prometheus text with HELP and TYPE for every family") {
  Served s;
  s.metrics.SetManifestValid(true);
  s.metrics.RecordReconcile("ws", SampleOutcome(), std::chrono::milliseconds(300), 7, 1'700'000'000);
  std::map<int, uint64_t> seen;
  s.metrics.AddApiRequests("ws", {{200, 5}, {0, 1}}, seen);
  s.metrics.AddApiRequests("ws", {{200, 8}, {0, 1}}, seen);  // running totals: adds 3
  auto res = s.Client().Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  Exposition e = Parse(res->body);

  std::map<std::string, std::string> want = {
      {"idsync_reconcile_total", "counter"},       {"idsync_reconcile_duration_seconds", "histogram"},
      {"idsync_actions_total", "counter"},         {"idsync_managed_users", "gauge"},
      {"idsync_drift_total", "counter"},           {"idsync_unmanaged_users", "gauge"},
      {"idsync_removals_held", "gauge"},           {"idsync_manifest_valid", "gauge"},
      {"idsync_last_success_timestamp_seconds", "gauge"}, {"idsync_api_requests_total", "counter"},
  };
  for (const auto& entry : want) {
    const std::string& name = entry.first;
    const std::string& type = entry.second;
    CAPTURE(name);
    CHECK(e.type[name] == type);
    CHECK_FALSE(e.help[name].empty());
  }
  CHECK(e.Value("idsync_manifest_valid") == 1);
  CHECK(e.Value(R"(idsync_reconcile_total{platform="ws",result="changes"})") == 1);
  CHECK(e.Value(R"(idsync_actions_total{action="invite",platform="ws",result="succeeded"})") == 1);
  CHECK(e.Value(R"(idsync_actions_total{action="grant",platform="ws",result="deferred"})") == 1);
  CHECK(e.Value(R"(idsync_managed_users{platform="ws"})") == 7);
  CHECK(e.Value(R"(idsync_drift_total{platform="ws"})") == 2);
  CHECK(e.Value(R"(idsync_last_success_timestamp_seconds{platform="ws"})") == 1'700'000'000);
  CHECK(e.Value(R"(idsync_api_requests_total{code="200",platform="ws"})") == 8);
  CHECK(e.Value(R"(idsync_api_requests_total{code="0",platform="ws"})") == 1);

  // The histogram: cumulative buckets ending in +Inf, then _sum and _count.
  std::vector<std::pair<double, double>> buckets;  // le -> count
  for (const auto& [series, value] : e.samples) {
    if (!series.starts_with("idsync_reconcile_duration_seconds_bucket{")) continue;
    auto le = series.find("le=\"");
    REQUIRE(le != std::string::npos);
    std::string bound = series.substr(le + 4, series.find('"', le + 4) - le - 4);
    buckets.emplace_back(bound == "+Inf" ? INFINITY : std::stod(bound), value);
  }
  REQUIRE(buckets.size() >= 5);
  CHECK(std::isinf(buckets.back().first));
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    CHECK(buckets[i].first > buckets[i - 1].first);
    CHECK(buckets[i].second >= buckets[i - 1].second);
  }
  for (const auto& [le, count] : buckets) CHECK(count == (le >= 0.3 ? 1 : 0));
  CHECK(e.Value(R"(idsync_reconcile_duration_seconds_count{platform="ws"})") == 1);
  CHECK(e.Value(R"(idsync_reconcile_duration_seconds_sum{platform="ws"})") == doctest::Approx(0.3));
}

TEST_CASE("binding an address in use is an error naming it") {
  Served first;
  ApiServer second(ApiHandlers{[] { return true; }, [] { return std::string(); },
                               [] { return nlohmann::json::object(); }, [] {}},
                   std::nullopt);
  Status s = second.Listen({"127.0.0.1", first.server.port()});
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("127.0.0.1:" + std::to_string(first.server.port())) != std::string::npos);
}

}  // namespace idsync
