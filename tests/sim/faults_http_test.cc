// Fault injection over real sockets: a SimServer in this process, spoken to with
// httplib::Client. Every fault config here is seeded or certain (rate 1.0), so the
// outcomes are deterministic.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/server.h"
#include "tests/sim/sim_client.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

constexpr const char* kSeed = R"(
workspace:
  credentials: { api_key: sim-key, api_secret: sim-secret }
  faults: { latency_ms: 0, error_rate: { "503": 0.0 } }
astra:
  credentials: { token: AstraCS:sim-token }
  org: { id: dacb3c32-cc2a-4bea-bd95-47ab8eb20410, name: Acme }
  roles: [ RO User ]
scim:
  credentials: { token: sim-token }
houston:
  credentials: { api_key: sim-houston-key }
)";

constexpr const char* kInvite =
    "mutation InviteUser($email: String!, $accountType: UserAccountType!) {"
    " inviteUser(email: $email, accountType: $accountType) { ok } }";

class Sim {
 public:
  explicit Sim(const std::string& seed = kSeed, ServerOptions options = {}) {
    server_ = testing::StartServer(seed, options);
  }

  std::unique_ptr<httplib::Client> Client(int timeout_ms = 5000) const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_read_timeout(std::chrono::milliseconds(timeout_ms));
    return client;
  }

  httplib::Result Invite(const std::string& email, int timeout_ms = 5000) const {
    json body = {{"query", kInvite}, {"variables", {{"email", email}, {"accountType", "DEVELOPER"}}}};
    return Client(timeout_ms)->Post("/workspace/graphql",
                                    {{"X-API-KEY", "sim-key"}, {"X-API-SECRET", "sim-secret"}}, body.dump(),
                                    "application/json");
  }

  json Get(const std::string& path) const {
    auto res = Client()->Get(path);
    REQUIRE(res);
    return json::parse(res->body);
  }
  httplib::Result Post(const std::string& path, const json& body) const {
    return Client()->Post(path, body.dump(), "application/json");
  }
  void SetFaults(const json& body) const {
    auto res = Post("/_sim/faults", body);
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
  }
  json Invitations() const { return Get("/_sim/state")["workspace"]["invitations"]; }
  json Counters(const std::string& platform) const { return Get("/_sim/counters")[platform]; }

 private:
  std::unique_ptr<SimServer> server_;
};

}  // namespace

TEST_CASE("faults are read from the seed section and shown by GET /_sim/faults") {
  Sim sim;
  json faults = sim.Get("/_sim/faults");
  CHECK(faults.size() == 5);
  CHECK(faults["workspace"]["error_rate"]["503"] == 0.0);
  CHECK(faults["astra"]["rate_limit"].is_null());
  // the faults key is not passed on to the platform's own seed reader
  CHECK(sim.Get("/_sim/state")["workspace"]["users"].empty());
}

TEST_CASE("the documented faults seed loads with the faults it describes") {
  std::ifstream in(std::string(IDSYNC_SOURCE_DIR) + "/examples/sim-seed.faults.yaml");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  Sim sim(text.str());
  json faults = sim.Get("/_sim/faults");
  CHECK(faults["workspace"]["error_rate"]["500"] == 0.15);
  CHECK(faults["workspace"]["rate_limit"]["burst"] == 10);
  CHECK(faults["workspace"]["seed"] == 7);
  CHECK(faults["astra"]["rate_limit"]["burst"] == 5);
  CHECK(faults["scim"]["error_rate"].empty());
}

TEST_CASE("a bad seed faults section is an error with its line") {
  auto created = SimServer::Create("workspace:\n  credentials: { api_key: k, api_secret: s }\n"
                                   "  faults: { timeout_rate: 2 }\n",
                                   ServerOptions{});
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created) ==
        "seed: workspace.faults: timeout_rate must be a probability between 0 and 1 (line 3)");
}

TEST_CASE("an injected 5xx has the platform's error shape and no effect") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"error_rate", {{"500", 1.0}}}}}});
  auto res = sim.Invite("a@acme.io");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(json::parse(res->body)["errors"][0]["message"].get<std::string>().starts_with("500 Internal Server Error"));
  CHECK(sim.Invitations().empty());
  json counters = sim.Counters("workspace");
  CHECK(counters["requests"] == 0);  // the platform never saw it
  CHECK(counters["effects"]["inviteUser"] == 0);
  CHECK(counters["faults"]["errors"]["500"] == 1);
  CHECK(counters["faults"]["received"] == 1);
}

TEST_CASE("error bodies follow each platform's document") {
  Sim sim;
  sim.SetFaults({{"astra", {{"error_rate", {{"503", 1.0}}}}},
                 {"scim", {{"error_rate", {{"500", 1.0}}}}},
                 {"houston", {{"error_rate", {{"502", 1.0}}}}}});
  auto astra = sim.Client()->Get("/astra/v2/organizations/users");
  REQUIRE(astra);
  CHECK(astra->status == 503);
  CHECK(json::parse(astra->body)["errors"][0]["ID"] == 503);
  auto scim = sim.Client()->Get("/scim/v2/Users");
  REQUIRE(scim);
  CHECK(scim->status == 500);
  CHECK(scim->get_header_value("Content-Type") == "application/scim+json");
  CHECK(json::parse(scim->body)["status"] == "500");
  auto houston = sim.Client()->Post("/houston/v1", "{}", "application/json");
  REQUIRE(houston);
  CHECK(houston->status == 502);
  CHECK(houston->body.find("<title>502 Bad Gateway</title>") != std::string::npos);  // the ingress, not JSON
}

TEST_CASE("the rate limit answers 429 with Retry-After and lets the burst through") {
  Sim sim;
  sim.SetFaults({{"astra", {{"rate_limit", {{"per_second", 0.5}, {"burst", 2}}}}}});
  auto client = sim.Client();
  httplib::Headers auth = {{"Authorization", "Bearer AstraCS:sim-token"}};
  CHECK(client->Get("/astra/v2/organizations/users", auth)->status == 200);
  CHECK(client->Get("/astra/v2/organizations/users", auth)->status == 200);
  auto refused = client->Get("/astra/v2/organizations/users", auth);
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(refused->get_header_value("Retry-After") == "2");
  CHECK(json::parse(refused->body)["errors"][0]["ID"] == 429);
  json counters = sim.Counters("astra");
  CHECK(counters["faults"]["rate_limited"] == 1);
  CHECK(counters["listUsers"] == 2);
}

TEST_CASE("a reset closes the connection without an answer and without an effect") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"reset_rate", 1.0}}}});
  auto res = sim.Invite("a@acme.io");
  CHECK_FALSE(res);
  CHECK(sim.Invitations().empty());
  CHECK(sim.Counters("workspace")["faults"]["resets"] == 1);
  // the server still serves once the fault is gone
  sim.SetFaults({{"workspace", nullptr}});
  auto ok = sim.Invite("a@acme.io");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(sim.Invitations().size() == 1);
}

TEST_CASE("after_effect applies the request, then loses the answer") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"reset_rate", 1.0}, {"after_effect", true}}}});
  CHECK_FALSE(sim.Invite("a@acme.io"));
  CHECK(sim.Invitations().size() == 1);
  CHECK(sim.Counters("workspace")["effects"]["inviteUser"] == 1);
}

TEST_CASE("a timeout hangs past the client's timeout and never applies the request") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"timeout_rate", 1.0}, {"hang_ms", 600}}}});
  auto start = std::chrono::steady_clock::now();
  auto res = sim.Invite("a@acme.io", /*timeout_ms=*/200);
  CHECK_FALSE(res);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(550));
  CHECK(sim.Invitations().empty());
  // a patient client sees the connection closed once the hang ends
  CHECK_FALSE(sim.Invite("b@acme.io", /*timeout_ms=*/3000));
  CHECK(sim.Counters("workspace")["faults"]["timeouts"] == 2);
}

TEST_CASE("a malformed answer is a 200 whose body is not JSON") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"malformed_rate", 1.0}}}});
  auto res = sim.Invite("a@acme.io");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body, nullptr, false).is_discarded());
  CHECK(sim.Invitations().empty());
}

TEST_CASE("latency delays every answer") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"latency_ms", 150}}}});
  auto start = std::chrono::steady_clock::now();
  auto res = sim.Invite("a@acme.io");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
}

TEST_CASE("a bad POST /_sim/faults changes nothing; DELETE clears; reset returns to the seed") {
  Sim sim;
  auto bad = sim.Post("/_sim/faults", {{"workspace", {{"reset_rate", 1.0}}}, {"astra", {{"reset_rate", 7}}}});
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"] == "astra: reset_rate must be a probability between 0 and 1");
  CHECK(sim.Get("/_sim/faults")["workspace"]["reset_rate"] == 0.0);
  auto unknown = sim.Post("/_sim/faults", {{"jira", json::object()}});
  REQUIRE(unknown);
  CHECK(unknown->status == 400);

  sim.SetFaults({{"scim", {{"latency_ms", 5}}}});
  CHECK(sim.Get("/_sim/faults")["scim"]["latency_ms"] == 5);
  auto cleared = sim.Client()->Delete("/_sim/faults");
  REQUIRE(cleared);
  CHECK(json::parse(cleared->body)["scim"]["latency_ms"] == 0);
  CHECK(json::parse(cleared->body)["workspace"]["error_rate"].empty());

  sim.SetFaults({{"astra", {{"timeout_rate", 0.5}}}});
  REQUIRE(sim.Post("/_sim/reset", json::object()));
  json faults = sim.Get("/_sim/faults");
  CHECK(faults["astra"]["timeout_rate"] == 0.0);
  CHECK(faults["workspace"]["error_rate"]["503"] == 0.0);  // the seed's
}

TEST_CASE("ServerOptions::faults replace the seed's and survive a reset") {
  ServerOptions options;
  options.faults = {{"workspace", {{"latency_ms", 3}}}};
  Sim sim(kSeed, options);
  REQUIRE(sim.Post("/_sim/reset", json::object()));
  json faults = sim.Get("/_sim/faults");
  CHECK(faults["workspace"]["latency_ms"] == 3);
  CHECK(faults["workspace"]["error_rate"].empty());
}

TEST_CASE("64 hanging requests do not starve the server") {
  Sim sim;
  sim.SetFaults({{"workspace", {{"timeout_rate", 1.0}, {"hang_ms", 1500}}}});
  std::vector<std::thread> hung;
  // Connections arrive a few ms apart: httplib's listen backlog is small, and this is
  // about worker threads, not about SYNs dropped by a full accept queue.
  for (int i = 0; i < 64; ++i) {
    hung.emplace_back([&sim, i] { sim.Invite("u" + std::to_string(i) + "@acme.io", 3000); });
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  for (int wait = 0; wait < 100 && sim.Counters("workspace")["faults"]["timeouts"] != 64; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(sim.Counters("workspace")["faults"]["timeouts"] == 64);  // all 64 arrived, most still hang
  auto start = std::chrono::steady_clock::now();
  auto astra = sim.Client(1000)->Get("/astra/v2/currentOrg", {{"Authorization", "Bearer AstraCS:sim-token"}});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
  REQUIRE(astra);
  CHECK(astra->status == 200);
  for (auto& t : hung) t.join();
  CHECK(sim.Counters("workspace")["faults"]["timeouts"] == 64);
}

}  // namespace idsync::sim

namespace idsync::sim {

// cpp-httplib answers brotli at quality 11 whenever a client accepts it (~150 ms for a
// 200-user listing, seconds for 20,000): the simulator offers gzip instead.
TEST_CASE("an answer is gzip, never brotli, when the client accepts both") {
  Sim sim;
  auto client = sim.Client();
  client->set_decompress(false);
  json body = {{"query", "query { listUsers { ok } }"}, {"variables", json::object()}};
  auto res = client->Post("/workspace/graphql",
                          {{"X-API-KEY", "sim-key"}, {"X-API-SECRET", "sim-secret"},
                           {"Accept-Encoding", "deflate, gzip, br, zstd"}},
                          body.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Encoding") == "gzip");
}

}  // namespace idsync::sim
