// idsync-sim: the platform simulator (SPEC §7) as a command.
//   idsync-sim --seed examples/sim-seed.yaml --listen 127.0.0.1:0 --port-file /tmp/port
//   idsync-sim --faults '{"workspace": {"latency_ms": 20, "rate_limit": {"per_second": 100}}}'
// Prints "idsync-sim listening on http://HOST:PORT" once it accepts requests, and
// exits 0 on SIGTERM or SIGINT.
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "sim/server.h"

namespace {

// "HOST:PORT" -> options; false when malformed.
bool ParseListen(const std::string& listen, idsync::sim::ServerOptions* options) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  options->host = listen.substr(0, colon);
  options->port = std::stoi(port);
  return options->port <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"idsync-sim: simulates the platforms idsync manages, on loopback, in memory"};
  std::string listen = "127.0.0.1:0";
  std::string seed_path;
  std::string port_file;
  bool log_requests = false;
  std::string faults;
  int threads = 128;
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one")->capture_default_str();
  app.add_option("--seed", seed_path, "YAML seed file (see examples/sim-seed.yaml)");
  app.add_option("--port-file", port_file, "write the bound port to this file once listening");
  app.add_flag("--log-requests", log_requests, "log one line per request on stderr");
  app.add_option("--faults", faults,
                 "JSON {\"<platform>\": faults} (sim/faults.h); replaces the seed's faults for those platforms");
  app.add_option("--threads", threads, "worker threads (bounds concurrent connections)")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
  CLI11_PARSE(app, argc, argv);

  idsync::sim::ServerOptions options;
  options.log_requests = log_requests;
  options.threads = threads;
  if (!faults.empty()) {
    options.faults = nlohmann::json::parse(faults, nullptr, /*allow_exceptions=*/false);
    if (options.faults.is_discarded() || !options.faults.is_object()) {
      std::cerr << "idsync-sim: --faults must be a JSON object {\"<platform>\": faults}\n";
      return 2;
    }
  }
  if (!ParseListen(listen, &options)) {
    std::cerr << "idsync-sim: --listen must be HOST:PORT, got \"" << listen << "\"\n";
    return 2;
  }
  std::string seed;
  if (!seed_path.empty()) {
    std::ifstream in(seed_path);
    if (!in) {
      std::cerr << "idsync-sim: cannot read seed file " << seed_path << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    seed = text.str();
  }

  // Signals are taken by sigwait() below, never by a handler in a server thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hung up is a failed write, not a crash

  auto created = idsync::sim::SimServer::Create(seed, options);
  if (auto* error = std::get_if<std::string>(&created)) {
    std::cerr << "idsync-sim: " << (seed_path.empty() ? "" : seed_path + ": ") << *error << "\n";
    return 2;
  }
  auto& server = *std::get<std::unique_ptr<idsync::sim::SimServer>>(created);
  if (std::string error = server.Start(); !error.empty()) {
    std::cerr << "idsync-sim: " << error << "\n";
    return 1;
  }
  std::cout << "idsync-sim listening on http://" << server.host() << ":" << server.port() << std::endl;
  if (!port_file.empty()) {  // written last: once it exists, the line above is out too
    std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());  // readers never see a partial file
  }

  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  return 0;
}
