// Applies a FaultInjector's decisions to real HTTP requests: the one place that
// stands in front of every platform route (SimServer wraps each handler with it).
//
// What each fault does on the wire:
//   latency     the answer (of any kind) is sent after latency_ms + jitter;
//   error       the status with the platform's own error body (ErrorAnswer below);
//   429         the platform's error body plus `Retry-After: <seconds>`;
//   timeout     no answer for hang_ms, then the connection is reset;
//   reset       the connection is closed at once with a TCP RST and no answer
//               (ResetConnection below); curl sees "Connection reset by peer";
//   malformed   200 with the platform's content type and a truncated JSON body.
// With after_effect the platform handles the request first, then the timeout, reset
// or malformed answer replaces its answer.
//
// Thread-safety: the returned handler may run on many httplib threads at once.
#pragma once

#include <string>
#include <string_view>

#include <httplib.h>

#include "sim/faults.h"

namespace idsync::sim {

// The body a platform's server (or its ingress) gives with `status`, in the shape
// platforms/<platform>.md documents: {content type, body}.
struct ErrorBody {
  std::string content_type;
  std::string body;
};
ErrorBody ErrorAnswer(std::string_view platform, int status);
// A 200 body cut short: what a connection lost mid-answer leaves the client.
ErrorBody MalformedAnswer(std::string_view platform);

// Closes the connection `req` arrived on, on the server listening on `server_port`,
// with an RST and without an answer: the socket is found by its ports, given
// SO_LINGER 0, and replaced (dup2) by an unconnected socket, so httplib's later
// write fails and its close never touches a reused descriptor.
// Returns false when the socket was not found.
bool ResetConnection(const httplib::Request& req, int server_port);

// `inner` behind `injector`. REQUIRES: injector and *server_port outlive the handler;
// *server_port is set before the first request.
httplib::Server::Handler WithFaults(FaultInjector* injector, std::string platform, const int* server_port,
                                    httplib::Server::Handler inner);

}  // namespace idsync::sim
