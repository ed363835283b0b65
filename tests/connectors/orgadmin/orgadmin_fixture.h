// Shared pieces of the orgadmin connector tests: a scripted transport, an in-memory id
// cache (the injected UserIdCache), and builders for answers and expected bodies.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <string>

#include "connectors/orgadmin/orgadmin_connector.h"
#include "connectors/guarded_connector.h"
#include "tests/connectors/fake_http.h"

namespace idsync::testing {

inline constexpr const char* kOrgUrl = "https://fw.example/graphql/admin";
inline constexpr const char* kOrg = "7d0c7a52-1111-4a57-9a0e-000000000001";
inline constexpr const char* kToken = "tok-SECRET-5150";
inline constexpr const char* kG1 = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11";
inline constexpr const char* kG2 = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b22";
inline constexpr const char* kAliceId = "aaaaaaaa-0000-4000-8000-000000000001";
inline constexpr const char* kBobId = "bbbbbbbb-0000-4000-8000-000000000002";
inline constexpr const char* kEveId = "eeeeeeee-0000-4000-8000-000000000005";

class MapIdCache : public UserIdCache {
 public:
  std::optional<std::string> Get(const std::string& email) override {
    std::lock_guard lock(mu_);
    ++gets;
    auto it = ids.find(email);
    return it == ids.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  void Put(const std::string& email, const std::string& id) override {
    std::lock_guard lock(mu_);
    ids[email] = id;
  }
  std::map<std::string, std::string> ids;
  int gets = 0;

 private:
  std::mutex mu_;
};

struct OrgFixture {
  FakeHttpClient fake;
  // Built as MakeConnector builds it: wrapped, so refusals and scrubbing are tested too.
  GuardedConnector connector{std::make_unique<OrgadminConnector>("fw", kOrgUrl, kOrg, kToken, fake), "fw", {kToken}};

  nlohmann::json SentBody(std::size_t i) const { return nlohmann::json::parse(fake.requests().at(i).body); }
  void Reply(const nlohmann::json& body, int status = 200) { fake.Push(Answer(status, body.dump())); }
  // A MutationResult answer at `field`.
  void Result(const char* field, const char* id, const char* result, const char* error = nullptr) {
    nlohmann::json r = {{"id", id ? nlohmann::json(id) : nlohmann::json(nullptr)},
                        {"result", result ? nlohmann::json(result) : nlohmann::json(nullptr)},
                        {"records", error ? 0 : 1},
                        {"error", error ? nlohmann::json(error) : nlohmann::json(nullptr)}};
    Reply({{"data", {{field, r}}}});
  }
};

inline nlohmann::json Envelope(const char* query, const char* operation, nlohmann::json variables) {
  return {{"query", query}, {"operationName", operation}, {"variables", std::move(variables)}};
}

inline nlohmann::json GroupRow(const char* user, const char* group, const char* status,
                               const char* name = nullptr) {
  return {{"userId", user}, {"groupId", group}, {"status", status},
          {"userName", name ? nlohmann::json(name) : nlohmann::json(nullptr)}};
}

inline void CheckNoToken(const Status& status) {
  CAPTURE(status.message());
  CHECK(status.message().find(kToken) == std::string::npos);
}

}  // namespace idsync::testing
