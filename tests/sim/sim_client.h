// What the simulator's HTTP tests share: a SimServer started in this process on
// 127.0.0.1 port 0 (spoken to with httplib::Client as a platform client would), and the
// reading of a JSON answer. Both stop the test case (FAIL/REQUIRE) when they cannot.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sim/server.h"

namespace idsync::sim::testing {

// An HTTP answer: its status and its body parsed as JSON.
struct Reply {
  int status = 0;
  nlohmann::json body;
};

// A started SimServer seeded with `seed`, listening on a free loopback port.
inline std::unique_ptr<SimServer> StartServer(const std::string& seed, ServerOptions options = {}) {
  auto created = SimServer::Create(seed, options);
  if (auto* error = std::get_if<std::string>(&created)) FAIL("seed: " << *error);
  auto server = std::get<std::unique_ptr<SimServer>>(std::move(created));
  REQUIRE(server->Start().empty());
  REQUIRE(server->port() > 0);
  return server;
}

// The answer of `res`, which must have come and be JSON.
inline Reply JsonReply(const httplib::Result& res) {
  REQUIRE_MESSAGE(res, "HTTP error " << httplib::to_string(res.error()));
  nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
  REQUIRE_MESSAGE(!body.is_discarded(), "not JSON: " << res->body);
  return {res->status, body};
}

// A started SimServer (StartServer) and one client to it: what a test's own Sim class,
// with that platform's requests, derives from.
class SimConnection {
 public:
  explicit SimConnection(const std::string& seed, ServerOptions options = {})
      : server_(StartServer(seed, options)),
        client_(std::make_unique<httplib::Client>("127.0.0.1", server_->port())) {}

  httplib::Client& client() { return *client_; }

 private:
  std::unique_ptr<SimServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace idsync::sim::testing
