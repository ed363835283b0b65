// Starting the real binaries (idsync, idsync-sim) from tests: one spawner, one list of
// the environment variables a child never inherits from the test's environment, so a
// developer's IDSYNC_STATE or a CI runner's NOTIFY_SOCKET cannot change what a test
// sees. Variables passed explicitly in `env` are set after the clearing.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace idsync::testing {

// IDSYNC_STATE, IDSYNC_LOG_LEVEL, IDSYNC_LOG_FORMAT, IDSYNC_API_TOKEN, NOTIFY_SOCKET,
// WATCHDOG_USEC, WATCHDOG_PID.
const std::vector<std::string>& ClearedEnvironment();

struct SpawnOptions {
  std::string stdin_path;              // "" = /dev/null
  std::string stdout_path, stderr_path;  // REQUIRED
  bool append = false;                 // append to stdout/stderr instead of truncating
};

// Starts `binary args...` with the test's environment minus ClearedEnvironment() plus
// `env`. Throws std::runtime_error when it cannot start.
pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const SpawnOptions& options);

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

// Runs `binary args...` (as Spawn), waits for it, captures stdout and stderr.
RunResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {},
                     const std::string& stdin_path = "");

// The whole contents of a file ("" when it cannot be read).
std::string SlurpFile(const std::string& path);

// Checks `done` until it holds or `limit` of real time passed; true once it held.
// For conditions in another process (a file written, a port answering), which cannot
// notify this one. Polls every 20 ms.
bool Eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::milliseconds(10'000));

}  // namespace idsync::testing
