#include "sim/server.h"

#include <chrono>
#include <iostream>

#include "sim/seed.h"
#include "sim/astra/astra.h"
#include "sim/houston/houston.h"
#include "sim/orgadmin/orgadmin.h"
#include "sim/scim/scim.h"
#include "sim/workspace.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

std::variant<std::unique_ptr<SimServer>, std::string> SimServer::Create(std::string_view seed_yaml,
                                                                        const ServerOptions& options) {
  auto sections = LoadSeed(seed_yaml, {"workspace", "houston", "astra", "orgadmin", "scim"});
  if (auto* error = std::get_if<std::string>(&sections)) return *error;
  const auto& seeds = std::get<std::map<std::string, YAML::Node>>(sections);

  std::unique_ptr<SimServer> server(new SimServer(options));
  // Answers are small and written in pieces (headers, body): without TCP_NODELAY the
  // second piece waits for the client's delayed ACK, 40 ms a request on loopback.
  server->server_.set_tcp_nodelay(true);
  server->platforms_.push_back(MakeWorkspacePlatform());
  server->platforms_.push_back(MakeHoustonPlatform());
  server->platforms_.push_back(MakeAstraPlatform());
  server->platforms_.push_back(MakeOrgadminPlatform());
  server->platforms_.push_back(MakeScimPlatform());
  for (const auto& platform : server->platforms_) {
    auto it = seeds.find(platform->name());
    std::string error = platform->Seed(it == seeds.end() ? YAML::Node() : it->second);
    if (!error.empty()) return error;
    platform->RegisterRoutes(server->server_);
  }
  server->RegisterControlRoutes();
  if (options.log_requests) {
    server->server_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::string line = "idsync-sim: " + req.method + " " + req.path + " -> " + std::to_string(res.status) + "\n";
      std::cerr << line << std::flush;  // headers (credentials) are never logged
    });
  }
  return server;
}

SimServer::~SimServer() { Stop(); }

Platform* SimServer::Find(std::string_view name) const {
  for (const auto& p : platforms_) {
    if (p->name() == name) return p.get();
  }
  return nullptr;
}

void SimServer::RegisterControlRoutes() {
  server_.Get("/_sim/state", [this](const httplib::Request&, httplib::Response& res) {
    json out = json::object();
    for (const auto& p : platforms_) out[p->name()] = p->DumpState();
    Reply(res, 200, out);
  });
  server_.Post("/_sim/reset", [this](const httplib::Request&, httplib::Response& res) {
    for (const auto& p : platforms_) p->Reset();
    Reply(res, 200, {{"reset", true}});
  });
  server_.Get("/_sim/counters", [this](const httplib::Request&, httplib::Response& res) {
    json out = json::object();
    for (const auto& p : platforms_) out[p->name()] = p->Counters();
    Reply(res, 200, out);
  });
  server_.Post("/_sim/counters/reset", [this](const httplib::Request&, httplib::Response& res) {
    for (const auto& p : platforms_) p->ResetCounters();
    Reply(res, 200, {{"reset", true}});
  });
  server_.Post(R"(/_sim/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    Platform* platform = Find(req.matches[1].str());
    if (!platform) return Reply(res, 404, {{"error", "platform " + req.matches[1].str() + " is not simulated"}});
    json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return Reply(res, 400, {{"error", "the body must be a JSON object"}});
    ControlAnswer answer = platform->Control(req.matches[2].str(), body);
    Reply(res, answer.status, answer.body);
  });
}

std::string SimServer::Start() {
  if (options_.port == 0) {
    port_ = server_.bind_to_any_port(options_.host);
    if (port_ <= 0) return "cannot listen on " + options_.host + " (any port)";
  } else {
    if (!server_.bind_to_port(options_.host, options_.port)) {
      return "cannot listen on " + options_.host + ":" + std::to_string(options_.port);
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // Stop() only interrupts a server that runs: wait for that (the socket already
  // queues connections, so this is about shutdown, not readiness).
  for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return "";
}

void SimServer::Stop() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace idsync::sim
