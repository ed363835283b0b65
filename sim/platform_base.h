// What every simulated platform shares, written once: the mutex around its state, the
// seeded state Reset() returns to, the request and effect counters, the control
// entry point, and the two ways a request reaches the state (a REST operation through
// Rest(), a GraphQL document through PostGraphql()). A platform derives from
// PlatformBase<its State> and keeps only what is its own: credentials, routes,
// resolvers, seed reading and control actions.
//
// Counters (GET /_sim/counters, per platform): each name given to the constructor
// (shown at 0), plus "requests" (every request that reached the platform),
// "unauthorized" (requests without valid credentials) and "mutations" (mutation calls
// made with valid credentials, applied or refused); PostGraphql() counts HTTP 400
// answers as "rejected" (workspace and houston list it). Under "effects", one count
// per mutation of the platform: the calls that changed the state (not refused), so
// a test can tell one invitation from two.
//
// Thread-safety: every public method may be called from any thread; handlers made
// by Rest() and PostGraphql() take mu_. Members marked "guarded by mu_" may only be
// touched with it held: from handlers, resolvers, ReadSeed() and Act().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/graphql/endpoint.h"
#include "sim/platform.h"

namespace idsync::sim {

// Request counters and effect counters of one platform. Not thread-safe (mu_ guards it).
class RequestCounters {
 public:
  // `names`: shown at 0 after Reset(); `effects`: the mutations shown under "effects".
  RequestCounters(std::vector<std::string> names, std::vector<std::string> effects);

  void Count(std::string_view name) { ++counts_[std::string(name)]; }
  void Effect(std::string_view name) { ++effects_[std::string(name)]; }
  void Reset();
  // {"<name>": n, ..., "effects": {"<mutation>": n, ...}}
  nlohmann::json Json() const;

 private:
  std::vector<std::string> names_, effect_names_;
  std::map<std::string, int64_t> counts_, effects_;
};

class PlatformCore : public Platform {
 public:
  std::string name() const final { return name_; }
  nlohmann::json Counters() const final;
  void ResetCounters() final;
  // Takes mu_ and calls Act().
  ControlAnswer Control(std::string_view action, const nlohmann::json& body) final;

 protected:
  // `counters`: the operation counters (the totals above are always there);
  // `effects`: the mutations counted under "effects".
  PlatformCore(std::string name, std::vector<std::string> counters, std::vector<std::string> effects);

  // The control action `action` (POST /_sim/<name>/<action>). REQUIRES: mu_ held.
  virtual ControlAnswer Act(std::string_view action, const nlohmann::json& body) = 0;
  // Whether the request carries the seeded credentials. Never echoes what was sent.
  // REQUIRES: mu_ held.
  virtual bool Authorized(const httplib::Request& req) = 0;
  // The answer to a request that is not Authorized(). The default is the GraphQL
  // servers' 401 {"errors": [{"message": "unauthenticated"}]}. REQUIRES: mu_ held.
  virtual void RefuseUnauthorized(const httplib::Request& req, httplib::Response& res);

  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // A REST operation: takes mu_, counts the request, refuses it unless Authorized(),
  // counts `operation` (nullptr: the handler counts) and, for a mutation, "mutations"
  // and, when the answer is 2xx, the effect `operation`.
  httplib::Server::Handler Rest(const char* operation, bool mutation, Handler handler);

  // What a GraphQL platform does with a request that is not Authorized(): answer it
  // with RefuseUnauthorized(), or execute it and let each field refuse (Houston).
  enum class Unauthenticated { kRefuseRequest, kRefuseEachField };
  // POST `path`: takes mu_, counts the request, checks credentials, runs `endpoint`
  // (whose resolvers then run under mu_) and counts an HTTP 400 answer as "rejected".
  // REQUIRES: `endpoint` outlives the server.
  void PostGraphql(Routes& routes, const std::string& path, const gql::Endpoint* endpoint, Unauthenticated when);

  mutable std::mutex mu_;
  RequestCounters counters_;  // guarded by mu_

 private:
  std::string name_;
};

// PlatformCore plus the platform's State: seeded once, dumped, reset to the seed.
// State must be copyable and have `nlohmann::json Dump() const`.
template <typename State>
class PlatformBase : public PlatformCore {
 public:
  std::string Seed(const YAML::Node& section) final {
    std::lock_guard lock(mu_);
    State seeded;
    if (section && !section.IsNull()) {
      if (std::string error = ReadSeed(section, &seeded); !error.empty()) return error;
    } else {
      SeedWithoutSection(&seeded);
    }
    seed_ = seeded;
    state_ = std::move(seeded);
    return "";
  }

  nlohmann::json DumpState() const final {
    std::lock_guard lock(mu_);
    return state_.Dump();
  }

  void Reset() final {
    std::lock_guard lock(mu_);
    state_ = seed_;
    counters_.Reset();
  }

 protected:
  using PlatformCore::PlatformCore;

  // Reads the platform's seed section into `out` and keeps the credentials it names.
  // Returns "" or the error with its YAML line. REQUIRES: mu_ held.
  virtual std::string ReadSeed(const YAML::Node& section, State* out) = 0;
  // The state of a seed without this platform's section (no credentials: every
  // request is unauthorized). REQUIRES: mu_ held.
  virtual void SeedWithoutSection(State*) {}

  State state_;  // guarded by mu_

 private:
  State seed_;  // guarded by mu_
};

}  // namespace idsync::sim
