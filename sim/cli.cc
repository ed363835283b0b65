#include "sim/cli.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "sim/server.h"

namespace idsync::sim {
namespace {

// "HOST:PORT" -> options; false when malformed.
bool ParseListen(const std::string& listen, ServerOptions* options) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  options->host = listen.substr(0, colon);
  options->port = std::stoi(port);
  return options->port <= 65535;
}

struct Arguments {
  std::string listen = "127.0.0.1:0";
  std::string seed_path;
  std::string port_file;
  std::string faults;
  ServerOptions options;
};

// Arguments checked into `out->options`; "" or the message for stderr.
std::string CheckArguments(Arguments* out) {
  if (!out->faults.empty()) {
    out->options.faults = nlohmann::json::parse(out->faults, nullptr, /*allow_exceptions=*/false);
    if (out->options.faults.is_discarded() || !out->options.faults.is_object()) {
      return "--faults must be a JSON object {\"<platform>\": faults}";
    }
  }
  if (!ParseListen(out->listen, &out->options)) return "--listen must be HOST:PORT, got \"" + out->listen + "\"";
  return "";
}

// Serves until SIGTERM or SIGINT. Returns the exit status.
int Serve(const std::string& seed, const Arguments& args) {
  // Signals are taken by sigwait() below, never by a handler in a server thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hung up is a failed write, not a crash

  auto created = SimServer::Create(seed, args.options);
  if (auto* error = std::get_if<std::string>(&created)) {
    std::cerr << "idsync-sim: " << (args.seed_path.empty() ? "" : args.seed_path + ": ") << *error << "\n";
    return 2;
  }
  auto& server = *std::get<std::unique_ptr<SimServer>>(created);
  if (std::string error = server.Start(); !error.empty()) {
    std::cerr << "idsync-sim: " << error << "\n";
    return 1;
  }
  std::cout << "idsync-sim listening on http://" << server.host() << ":" << server.port() << std::endl;
  if (!args.port_file.empty()) {  // written last: once it exists, the line above is out too
    std::string tmp = args.port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::rename(tmp.c_str(), args.port_file.c_str());  // readers never see a partial file
  }
  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  return 0;
}

}  // namespace

int RunSimCli(int argc, char** argv) {
  CLI::App app{"idsync-sim: simulates the platforms idsync manages, on loopback, in memory"};
  Arguments args;
  app.add_option("--listen", args.listen, "HOST:PORT to listen on; port 0 picks a free one")->capture_default_str();
  app.add_option("--seed", args.seed_path, "YAML seed file (see examples/sim-seed.yaml)");
  app.add_option("--port-file", args.port_file, "write the bound port to this file once listening");
  app.add_flag("--log-requests", args.options.log_requests, "log one line per request on stderr");
  app.add_option("--faults", args.faults,
                 "JSON {\"<platform>\": faults} (sim/faults.h); replaces the seed's faults for those platforms");
  app.add_option("--threads", args.options.threads, "worker threads (bounds concurrent connections)")
      ->capture_default_str()
      ->check(CLI::Range(4, 4096));
  CLI11_PARSE(app, argc, argv);

  if (std::string error = CheckArguments(&args); !error.empty()) {
    std::cerr << "idsync-sim: " << error << "\n";
    return 2;
  }
  std::string seed;
  if (!args.seed_path.empty()) {
    std::ifstream in(args.seed_path);
    if (!in) {
      std::cerr << "idsync-sim: cannot read seed file " << args.seed_path << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    seed = text.str();
  }
  return Serve(seed, args);
}

}  // namespace idsync::sim
