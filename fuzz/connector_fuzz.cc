#include "fuzz/connector_fuzz.h"

#include <array>
#include <memory>
#include <string>
#include <utility>

#include "config/manifest.h"
#include "connectors/connector.h"
#include "connectors/factory.h"
#include "connectors/http/http_client.h"
#include "core/status.h"
#include "core/users.h"
#include "reconcile/plan.h"

namespace idsync::fuzz {
namespace {

// Answers every request with `status` and the same body; after kMaxRequests it fails
// like an unreachable server, so a connector that pages forever on a repeated answer
// still ends (a connector must not rely on that: the bound only keeps runs finite).
class BodyHttpClient : public HttpClient {
 public:
  static constexpr int kMaxRequests = 64;
  explicit BodyHttpClient(std::string body) : body_(std::move(body)) {}
  void set_status(int status) { status_ = status; }

  StatusOr<HttpResponse> Send(const HttpRequest&) override {
    if (++requests_ > kMaxRequests) return Unavailable("fuzz: no more answers");
    HttpResponse response;
    response.status = status_;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = body_;
    return response;
  }

 private:
  const std::string body_;
  int status_ = 200;
  int requests_ = 0;
};

PlatformConfig ConfigFor(PlatformType type) {
  PlatformConfig config;
  config.name = "fz";
  config.type = type;
  switch (type) {
    case PlatformType::kWorkspace: config.url = "https://ws.example/graphql"; break;
    case PlatformType::kHouston: config.url = "https://houston.example/v1"; break;
    case PlatformType::kAstra: config.url = "https://api.astra.example"; break;
    case PlatformType::kOrgadmin:
      config.url = "https://fw.example/admin/graphql";
      config.org = "org-1";
      break;
    case PlatformType::kScim: config.url = "https://scim.example/scim/v2"; break;
  }
  return config;
}

// Grants of the shape each type uses (core/grants.h).
Grants GrantsFor(PlatformType type, bool more) {
  Grants g;
  switch (type) {
    case PlatformType::kWorkspace: g.single = more ? "ADMIN" : "DEVELOPER"; break;
    case PlatformType::kHouston:
      if (more) g.single = "SYSTEM_ADMIN";
      g.scoped["ws1"] = more ? "WORKSPACE_ADMIN" : "WORKSPACE_VIEWER";
      break;
    case PlatformType::kAstra:
      g.set = {"role-1"};
      if (more) g.set.insert("role-2");
      break;
    case PlatformType::kOrgadmin:
      g.single = more ? "admin" : "user";
      g.set = {"00000000-0000-0000-0000-000000000001"};
      if (more) g.set.insert("00000000-0000-0000-0000-000000000002");
      break;
    case PlatformType::kScim:
      g.set = {"group-1"};
      if (more) g.set.insert("group-2");
      break;
  }
  return g;
}

Action MakeAction(PlatformType type, Verb verb, std::string email) {
  Action a;
  a.platform = "fz";
  a.email = email;
  a.verb = verb;
  a.user_id = verb == Verb::kInvite ? "" : "u-1";
  a.before = verb == Verb::kInvite ? Grants{} : GrantsFor(type, false);
  a.after = verb == Verb::kRemove ? Grants{} : GrantsFor(type, true);
  a.profile.email_as_written = email;
  a.profile.name = "Ada Lovelace";
  a.profile.given_name = "Ada";
  a.profile.family_name = "Lovelace";
  a.profile.external_id = "e-1";
  return a;
}

void Mutate(Connector& connector, PlatformType type) {
  const Capabilities& caps = connector.capabilities();
  (void)connector.Invite(MakeAction(type, Verb::kInvite, "new@acme.io"));
  (void)connector.Invite(MakeAction(type, Verb::kReinvite, "old@acme.io"));
  (void)connector.ChangeGrants(MakeAction(type, Verb::kGrant, "ada@acme.io"));
  (void)connector.ChangeGrants(MakeAction(type, Verb::kRevoke, "ada@acme.io"));
  if (caps.retire) (void)connector.Retire(MakeAction(type, Verb::kRetire, "ada@acme.io"));
  if (caps.reactivate) (void)connector.Reactivate(MakeAction(type, Verb::kReactivate, "ada@acme.io"));
  if (caps.remove) (void)connector.Remove(MakeAction(type, Verb::kRemove, "ada@acme.io"));
  if (caps.profile_update) (void)connector.Update(MakeAction(type, Verb::kUpdate, "ada@acme.io"));
}

}  // namespace

int FuzzConnector(PlatformType type, const uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto secrets = [](const PlatformConfig&, const std::string&) -> StatusOr<std::string> {
    return std::string("fuzz-token");
  };

  // 1. The body as a list answer (orgadmin looks desired users up one by one).
  {
    BodyHttpClient http(body);
    StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(ConfigFor(type), secrets, {&http});
    if (!connector.ok()) __builtin_trap();  // the config above is valid for every type
    DesiredUsers desired;
    for (const char* email : {"ada@acme.io", "new@acme.io"}) {
      DesiredUser user;
      user.grants = GrantsFor(type, true);
      desired[email] = user;
    }
    ManagedAccounts managed;
    ManagedRecord& ada = managed["ada@acme.io"];
    ada.user_id = "u-1";
    ada.grants = GrantsFor(type, false);
    ListContext context;
    context.desired = &desired;
    context.managed = &managed;
    StatusOr<LiveState> live = (*connector)->List(context);
    if (live.ok()) (void)(*connector)->Resolve(GrantsFor(type, true), *live);
  }

  // 2. The body as a mutation answer: 200, then an error status picked by the input.
  static constexpr std::array<int, 8> kErrorStatuses = {400, 401, 403, 404, 409, 422, 429, 500};
  for (int round = 0; round < 2; ++round) {
    BodyHttpClient http(body);
    if (round == 1) http.set_status(kErrorStatuses[size == 0 ? 0 : data[0] % kErrorStatuses.size()]);
    StatusOr<std::unique_ptr<Connector>> connector = MakeConnector(ConfigFor(type), secrets, {&http});
    if (!connector.ok()) __builtin_trap();
    Mutate(**connector, type);
  }
  return 0;
}

}  // namespace idsync::fuzz
