#include "sim/fault_route.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace idsync::sim {
namespace {

using nlohmann::json;
using Kind = FaultDecision::Kind;

int PortOf(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return -1;
}

// The descriptor of the accepted socket with these local and peer ports, or -1.
int FindSocket(int local_port, int peer_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_size = sizeof local, peer_size = sizeof peer;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_size) != 0) continue;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) continue;
    if (PortOf(local) == local_port && PortOf(peer) == peer_port) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

// When the socket cannot be found: headers go out, then the body provider fails and
// httplib closes the connection mid-answer. Still an unusable answer for the client.
void CutAnswer(httplib::Response& res) {
  res.status = 200;
  res.set_content_provider(
      1024, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
}

void Apply(const FaultDecision& d, FaultInjector* injector, const std::string& platform, int server_port,
           const httplib::Server::Handler& inner, const httplib::Request& req, httplib::Response& res) {
  switch (d.kind) {
    case Kind::kPass:
      return inner(req, res);
    case Kind::kError:
    case Kind::kRateLimited: {
      ErrorBody answer = ErrorAnswer(platform, d.status);
      res.status = d.status;
      if (d.kind == Kind::kRateLimited) res.set_header("Retry-After", std::to_string(d.retry_after_s));
      res.set_content(answer.body, answer.content_type);
      return;
    }
    case Kind::kTimeout:
    case Kind::kReset:
      if (d.after_effect) inner(req, res);
      if (d.kind == Kind::kTimeout) injector->Sleep(d.hang);
      if (!ResetConnection(req, server_port)) CutAnswer(res);
      return;
    case Kind::kMalformed: {
      ErrorBody answer = MalformedAnswer(platform);
      if (d.after_effect) {
        httplib::Response real;
        inner(req, real);
        if (real.body.size() >= 2) answer.body = real.body.substr(0, real.body.size() / 2);
      }
      res.status = 200;
      res.set_content(answer.body, answer.content_type);
      return;
    }
  }
}

const char* Reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 500 ? "Client Error" : "Server Error";
  }
}

}  // namespace

ErrorBody ErrorAnswer(std::string_view platform, int status) {
  const std::string reason = Reason(status);
  const std::string message = std::to_string(status) + " " + reason + " (injected by idsync-sim)";
  if (platform == "workspace") return {"application/json", json{{"errors", {{{"message", message}}}}}.dump()};
  if (platform == "astra") {
    return {"application/json", json{{"errors", {{{"ID", status}, {"message", message}}}}}.dump()};
  }
  if (platform == "scim") {
    return {"application/scim+json", json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                                          {"status", std::to_string(status)},
                                          {"detail", message}}
                                         .dump()};
  }
  // houston and orgadmin: the error comes from the ingress in front of the API, not JSON.
  const std::string title = std::to_string(status) + " " + reason;
  return {"text/html", "<html><head><title>" + title + "</title></head><body><center><h1>" + title +
                           "</h1></center><hr><center>nginx</center></body></html>\n"};
}

ErrorBody MalformedAnswer(std::string_view platform) {
  if (platform == "astra") return {"application/json", R"([{"UserID": "7f0e1c2a-, "Email": )"};
  if (platform == "scim") return {"application/scim+json", R"({"schemas": ["urn:ietf:params:scim:api:)"};
  return {"application/json", R"({"data": {"ok": tr)"};
}

bool ResetConnection(const httplib::Request& req, int server_port) {
  int fd = FindSocket(server_port, req.remote_port);
  if (fd < 0) return false;
  linger abort_on_close{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  int placeholder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0) return false;
  // dup2 closes the connection (RST, since linger is 0) and leaves `fd` open on the
  // placeholder, which httplib then fails to write to and closes.
  bool replaced = dup2(placeholder, fd) == fd;
  close(placeholder);
  return replaced;
}

httplib::Server::Handler WithFaults(FaultInjector* injector, std::string platform, const int* server_port,
                                    httplib::Server::Handler inner) {
  return [injector, platform = std::move(platform), server_port, inner = std::move(inner)](
             const httplib::Request& req, httplib::Response& res) {
    FaultDecision decision = injector->Decide();
    if (decision.latency.count() > 0) injector->Sleep(decision.latency);
    Apply(decision, injector, platform, *server_port, inner, req, res);
  };
}

}  // namespace idsync::sim
