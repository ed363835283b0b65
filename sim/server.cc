#include "sim/server.h"

#include <chrono>
#include <iostream>

#include "sim/fault_route.h"
#include "sim/seed.h"
#include "sim/astra/astra.h"
#include "sim/houston/houston.h"
#include "sim/orgadmin/orgadmin.h"
#include "sim/scim/scim.h"
#include "sim/workspace/workspace.h"

namespace idsync::sim {
namespace {

using nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// cpp-httplib 0.11 compresses with brotli at quality 11 whenever a client accepts "br"
// (libcurl's default): ~150 ms for a 200-user listing and ~17 s for 20,000 users, a
// cost no real API has. The simulator offers gzip instead: "br" is dropped from
// Accept-Encoding before the handler runs (the Request is the server's own non-const
// object, handed to handlers as const).
Routes::Handler WithoutBrotli(Routes::Handler inner) {
  return [inner = std::move(inner)](const httplib::Request& req, httplib::Response& res) {
    auto& headers = const_cast<httplib::Request&>(req).headers;
    auto it = headers.find("Accept-Encoding");
    if (it != headers.end() && it->second.find("br") != std::string::npos)
      it->second = it->second.find("gzip") != std::string::npos ? "gzip" : "identity";
    inner(req, res);
  };
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
  const int threads = options.threads;
  server->server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server->platforms_.push_back(MakeWorkspacePlatform());
  server->platforms_.push_back(MakeHoustonPlatform());
  server->platforms_.push_back(MakeAstraPlatform());
  server->platforms_.push_back(MakeOrgadminPlatform());
  server->platforms_.push_back(MakeScimPlatform());
  for (const auto& platform : server->platforms_) {
    const std::string name = platform->name();
    auto it = seeds.find(name);
    YAML::Node section = it == seeds.end() ? YAML::Node() : it->second;
    FaultConfig faults;
    if (section.IsMap() && section["faults"]) {
      auto parsed = ParseFaultConfig(YamlToJson(section["faults"]));
      if (auto* error = std::get_if<std::string>(&parsed)) {
        return SeedError(section["faults"], "seed: " + name + ".faults: " + *error);
      }
      faults = std::get<FaultConfig>(parsed);
      section.remove("faults");
    }
    std::string error = platform->Seed(section);
    if (!error.empty()) return error;
    server->seeded_faults_[name] = faults;
    auto& injector = server->faults_[name] = std::make_unique<FaultInjector>();
    injector->Set(faults);
    Routes routes(server->server_, [injector = injector.get(), name, port = &server->port_](Routes::Handler inner) {
      return WithoutBrotli(WithFaults(injector, name, port, std::move(inner)));
    });
    platform->RegisterRoutes(routes);
  }
  if (!options.faults.is_null() && !options.faults.empty()) {
    if (std::string error = server->SetFaults(options.faults); !error.empty()) return "faults: " + error;
    for (const auto& [name, injector] : server->faults_) server->seeded_faults_[name] = injector->config();
  }
  server->RegisterControlRoutes();
  server->RegisterFaultRoutes();
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
    for (const auto& [name, injector] : faults_) {
      injector->Set(seeded_faults_[name]);
      injector->ResetCounters();
    }
    Reply(res, 200, {{"reset", true}});
  });
  server_.Get("/_sim/counters", [this](const httplib::Request&, httplib::Response& res) {
    json out = json::object();
    for (const auto& p : platforms_) {
      out[p->name()] = p->Counters();
      out[p->name()]["faults"] = faults_.at(p->name())->Counters();
    }
    Reply(res, 200, out);
  });
  server_.Post("/_sim/counters/reset", [this](const httplib::Request&, httplib::Response& res) {
    for (const auto& p : platforms_) p->ResetCounters();
    for (const auto& [name, injector] : faults_) injector->ResetCounters();
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

std::string SimServer::SetFaults(const json& body) {
  if (!body.is_object()) return "the body must be a JSON object {\"<platform>\": faults}";
  std::map<std::string, FaultConfig> parsed;
  for (const auto& [name, config] : body.items()) {
    if (!faults_.contains(name)) return "platform " + name + " is not simulated";
    if (config.is_null()) {
      parsed[name] = FaultConfig{};
      continue;
    }
    auto one = ParseFaultConfig(config);
    if (auto* error = std::get_if<std::string>(&one)) return name + ": " + *error;
    parsed[name] = std::get<FaultConfig>(one);
  }
  for (const auto& [name, config] : parsed) faults_.at(name)->Set(config);
  return "";
}

json SimServer::FaultsJson() const {
  json out = json::object();
  for (const auto& [name, injector] : faults_) out[name] = FaultConfigJson(injector->config());
  return out;
}

void SimServer::RegisterFaultRoutes() {
  server_.Get("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) { Reply(res, 200, FaultsJson()); });
  server_.Post("/_sim/faults", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return Reply(res, 400, {{"error", "the body must be a JSON object"}});
    if (std::string error = SetFaults(body); !error.empty()) return Reply(res, 400, {{"error", error}});
    Reply(res, 200, FaultsJson());
  });
  server_.Delete("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) {
    for (const auto& [name, injector] : faults_) injector->Set(FaultConfig{});
    Reply(res, 200, FaultsJson());
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
  for (const auto& [name, injector] : faults_) injector->Shutdown();  // hanging requests end now
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace idsync::sim
