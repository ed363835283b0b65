// The idsync-sim command: --port-file, the "listening" line, --seed errors, and a
// clean exit on SIGTERM, as scripts and the integration tests rely on.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

extern char** environ;

namespace {

std::string TempPath(const std::string& name) {
  return "/tmp/idsync-sim-test-" + std::to_string(getpid()) + "-" + name;
}

// Starts idsync-sim with `args`, stdout to `out`; returns its pid.
pid_t Spawn(std::vector<std::string> args, const std::string& out) {
  args.insert(args.begin(), IDSYNC_SIM_BINARY);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, (out + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int WaitExit(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

TEST_CASE("idsync-sim writes its port, serves, and exits 0 on SIGTERM") {
  std::string seed = TempPath("seed.yaml"), port_file = TempPath("port"), out = TempPath("out");
  std::ofstream(seed) << "workspace:\n  credentials: {api_key: k, api_secret: s}\n";
  std::remove(port_file.c_str());
  pid_t pid = Spawn({"--seed", seed, "--listen", "127.0.0.1:0", "--port-file", port_file}, out);

  std::string port;
  for (int i = 0; i < 500 && port.empty(); ++i) {
    port = ReadFile(port_file);
    if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_FALSE(port.empty());
  int number = std::stoi(port);
  CHECK(number > 0);
  httplib::Client client("127.0.0.1", number);
  auto res = client.Get("/_sim/state");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(ReadFile(out) == "idsync-sim listening on http://127.0.0.1:" + std::to_string(number) + "\n");

  kill(pid, SIGTERM);
  CHECK(WaitExit(pid) == 0);
  for (const std::string& f : {seed, port_file, out, out + ".err"}) std::remove(f.c_str());
}

TEST_CASE("idsync-sim refuses a bad seed with exit code 2 and the reason") {
  std::string seed = TempPath("bad.yaml"), out = TempPath("bad-out");
  std::ofstream(seed) << "astra: {}\n";
  pid_t pid = Spawn({"--seed", seed}, out);
  CHECK(WaitExit(pid) == 2);
  CHECK(ReadFile(out + ".err").find("seed: astra.credentials { token } is required (line 1)") != std::string::npos);
  for (const std::string& f : {seed, out, out + ".err"}) std::remove(f.c_str());
}

}  // namespace
