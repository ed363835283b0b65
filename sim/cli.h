// idsync-sim's command line (SPEC §7):
//   idsync-sim --seed examples/sim-seed.yaml --listen 127.0.0.1:0 --port-file /tmp/port
//   idsync-sim --faults '{"workspace": {"latency_ms": 20, "rate_limit": {"per_second": 100}}}'
// Prints "idsync-sim listening on http://HOST:PORT" once it accepts requests, writes
// the port file after that line, and returns 0 on SIGTERM or SIGINT; 2 for a bad
// argument or seed, 1 when it cannot listen.
//
// Thread-safety: call once, from main(); it blocks SIGTERM and SIGINT in the calling
// thread (and so in every server thread) and waits for them with sigwait().
#pragma once

namespace idsync::sim {

int RunSimCli(int argc, char** argv);

}  // namespace idsync::sim
