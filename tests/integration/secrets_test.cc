// Secrets audit (SPEC §2, §5): every command and every daemon endpoint runs with
// distinctive planted credentials on all five platform types, including an auth
// failure and a 500 whose body echoes the request (headers and all), at debug and trace
// log levels; then every byte idsync wrote — stdout, stderr, the daemon's log file, the
// SQLite file with its -wal and -shm, the plans, the endpoints' answers — is searched
// for the credentials in the forms a request carries them. Zero occurrences.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <httplib.h>

#include "tests/integration/daemon_process.h"
#include "tests/integration/harness.h"

namespace idsync::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Distinctive values: each occurs nowhere but where this test plants it.
const std::string kWsKey = "wsKeyPLANTED7c1e9b04f2a6d8Qx";
const std::string kWsSecret = "wsSecretPLANTED3b8e0d5a91c7Zy";
const std::string kHoustonKey = "houstonKeyPLANTED5d2f7a0c3e1bWv";
const std::string kHoustonWrongKey = "houstonWrongPLANTED0a6c4e8b2d9fUt";
const std::string kAstraToken = "AstraCS:astraPLANTED9e4b1c7d0a3fSr";
const std::string kOrgToken = "orgTokenPLANTED2c8a5e1f7b0dQp";
const std::string kScimToken = "scimTokenPLANTED6f3d9b2a4c8eNm";
const std::string kDeniedToken = "AstraCS:deniedPLANTED1b7e3a9c5d0fLk";
const std::string kScimCutToken = "scimCutPLANTED4e7a0c2d9b5fHg";
const std::string kApiToken = "apiTokenPLANTED8d0b6f2e4a1cJh";

const std::vector<std::string>& AllSecrets() {
  static const std::vector<std::string> all = {kWsKey,     kWsSecret, kHoustonKey,  kHoustonWrongKey, kAstraToken,
                                               kOrgToken, kScimToken, kDeniedToken, kScimCutToken, kApiToken};
  return all;
}

constexpr const char* kOrg = "7d0c7a52-5e0f-4c51-9b0e-1f2a3b4c5d6e";
constexpr const char* kEng = "0b9e6f9a-3c1d-4a57-9a0e-6c2f9f1d2b11";

std::string Seed() {
  return "workspace:\n"
         "  credentials: { api_key: " + kWsKey + ", api_secret: " + kWsSecret + " }\n"
         "  users:\n"
         "    - { email: bob@acme.io, name: Bob Builder, accountType: ANALYST }\n"
         "houston:\n"
         "  credentials: { api_key: " + kHoustonKey + " }\n"
         "  workspaces:\n"
         "    - { id: ckws1, label: Data }\n"
         "  users:\n"
         "    - { email: bob@acme.io, fullName: Bob Builder, system: SYSTEM_VIEWER }\n"
         "astra:\n"
         "  credentials: { token: \"" + kAstraToken + "\" }\n"
         "  org: { id: dacb3c32-cc2a-4bea-bd95-47ab8eb20410, name: Acme }\n"
         "  roles: [ Organization Administrator, UI View Only, RO User ]\n"
         "  users:\n"
         "    - { email: bob@acme.io, status: active, roles: [RO User] }\n"
         "orgadmin:\n"
         "  credentials: { token: " + kOrgToken + " }\n"
         "  org: { id: " + kOrg + ", name: Fluxweave }\n"
         "  groups:\n"
         "    - { id: " + kEng + ", name: Engineering }\n"
         "  users:\n"
         "    - { email: bob@acme.io, first: Bob, last: Builder }\n"
         "    - { email: alice@acme.io, first: Alice, last: Liddell }\n"
         "  members:\n"
         "    - { email: bob@acme.io, role: user, status: active }\n"
         "scim:\n"
         "  credentials: { token: " + kScimToken + " }\n"
         "  groups:\n"
         "    - { displayName: Engineering }\n"
         "  users:\n"
         "    - { userName: bob@acme.io, displayName: Bob Builder }\n";
}

// The request as a careless server would echo it: the credential headers first (so the
// first 200 bytes, which error messages quote, hold them whole), then the request line,
// every header and the body.
std::string EchoOf(const httplib::Request& req) {
  std::string echo;
  for (const char* name : {"Authorization", "X-API-KEY", "X-API-SECRET"})
    if (req.has_header(name)) echo += std::string(name) + ": " + req.get_header_value(name) + "\n";
  echo += "request echoed: " + req.method + " " + req.target + "\n";
  for (const auto& [name, value] : req.headers) echo += name + ": " + value + "\n";
  return echo + "\n" + req.body;
}

// A platform front that misbehaves: under /scim/v2 it forwards reads to idsync-sim and
// answers every write 500 with the request echoed in a text body; /scim-cut/v2 does the
// same with filler before the echo, so that the first 200 bytes of the body (what an
// error message quotes) end inside the credential; under /deny it answers everything
// 401 with the request echoed in Astra's JSON error shape. It keeps the Authorization
// headers it saw, to prove the credentials were really sent.
class EchoFront {
 public:
  explicit EchoFront(int sim_port) : sim_port_(sim_port) {
    auto forward = [this](const httplib::Request& req, httplib::Response& res) {
      Saw(req);
      httplib::Client sim("127.0.0.1", sim_port_);
      std::string target = req.target;
      std::string auth = req.get_header_value("Authorization");
      if (target.starts_with("/scim-cut/")) {  // the simulator knows one scim token
        target = "/scim/" + target.substr(10);
        auth = "Bearer " + kScimToken;
      }
      httplib::Headers headers = {{"Authorization", auth}, {"Accept", req.get_header_value("Accept")}};
      auto answer = sim.Get(target.c_str(), headers);
      if (!answer) {
        res.status = 502;
        return;
      }
      res.status = answer->status;
      res.set_content(answer->body, answer->get_header_value("Content-Type").c_str());
    };
    auto fail500 = [this](const httplib::Request& req, httplib::Response& res) {
      Saw(req);
      res.status = 500;
      res.set_header("Retry-After", "0");
      std::string body = EchoOf(req);
      if (req.path.starts_with("/scim-cut/")) {
        // 185 bytes before the token: 163 of filler, then "Authorization: Bearer ".
        body = std::string(163, 'x') + "Authorization: " + req.get_header_value("Authorization") + "\n" + body;
      }
      res.set_content(body, "text/plain");
    };
    for (const char* prefix : {"/scim/v2/.*", "/scim-cut/v2/.*"}) {
      server_.Get(prefix, forward);
      server_.Post(prefix, fail500);
      server_.Patch(prefix, fail500);
      server_.Put(prefix, fail500);
      server_.Delete(prefix, fail500);
    }
    auto deny = [this](const httplib::Request& req, httplib::Response& res) {
      Saw(req);
      res.status = 401;
      res.set_content(json{{"errors", {{{"message", EchoOf(req)}, {"ID", 401}}}}}.dump(), "application/json");
    };
    server_.Get("/deny/.*", deny);
    server_.Post("/deny/.*", deny);
    server_.Put("/deny/.*", deny);
    server_.Patch("/deny/.*", deny);
    server_.Delete("/deny/.*", deny);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket is bound, so requests queue; stop() needs the loop running, though.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~EchoFront() {
    server_.stop();
    thread_.join();
  }
  EchoFront(const EchoFront&) = delete;
  EchoFront& operator=(const EchoFront&) = delete;

  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::multiset<std::string> Authorizations() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int Writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }

 private:
  void Saw(const httplib::Request& req) {
    std::lock_guard lock(mu_);
    seen_.insert(req.method + " " + req.get_header_value("Authorization"));
    if (req.method != "GET") ++writes_;
  }

  int sim_port_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::multiset<std::string> seen_;
  int writes_ = 0;
};

// One platform block: "  NAME:", its type and url, `settings` (lines indented by four),
// then "credentials: { CREDENTIALS }".
std::string Block(const std::string& name, const std::string& type, const std::string& url,
                  const std::string& credentials, const std::string& settings = "") {
  return "  " + name + ":\n"
         "    type: " + type + "\n"
         "    url: " + url + "\n" + settings +
         "    credentials: { " + credentials + " }\n";
}

std::string Manifest(const Sim& sim, const EchoFront& front) {
  return "version: 1\n"
         "platforms:\n" +
         Block("ws", "workspace", sim.Url("/workspace/graphql"),
               "api_key: { env: PLANTED_WS_KEY }, api_secret: { env: PLANTED_WS_SECRET }") +
         Block("astro", "houston", sim.Url("/houston/v1"), "api_key: { env: PLANTED_HOUSTON_KEY }") +
         Block("astro-wrong-key", "houston", sim.Url("/houston/v1"), "api_key: { env: PLANTED_HOUSTON_WRONG_KEY }") +
         Block("astra", "astra", sim.Url("/astra"), "token: { env: PLANTED_ASTRA_TOKEN }") +
         Block("fw", "orgadmin", sim.Url("/orgadmin/graphql"), "token: { env: PLANTED_ORG_TOKEN }",
               std::string("    org: ") + kOrg + "\n") +
         Block("scim", "scim", front.Url("/scim/v2"), "token: { file: secrets/scim-token }") +
         Block("denied", "astra", front.Url("/deny"), "token: { env: PLANTED_DENIED_TOKEN }") +
         "roles:\n"
         "  everything:\n"
         "    ws: DEVELOPER\n"
         "    astro: { workspaces: { ckws1: WORKSPACE_EDITOR } }\n"
         "    astro-wrong-key: { workspaces: { ckws1: WORKSPACE_EDITOR } }\n"
         "    astra: [ \"UI View Only\" ]\n"
         "    fw: { groups: [\"" + kEng + "\"] }\n"
         "    scim: { groups: [ Engineering ] }\n"
         "    denied: [ \"UI View Only\" ]\n"
         "users:\n"
         "  - { email: alice@acme.io, name: Alice Liddell, roles: [everything] }\n"
         "  - { email: bob@acme.io, name: Bob Builder, roles: [everything] }\n";
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  return out;  // whole groups only: the tail depends on what follows the input
}

std::string Hex(std::string_view in) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : in) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Every form in which `secret` (or a recognisable piece of it) could sit in a byte
// stream: any 12-byte window of it (a truncated copy leaks too), its base64 at each of
// the three alignments it can have inside a longer string (so "Basic base64(user:
// secret)" is caught), base64url, and hex.
std::vector<std::string> Needles(const std::string& secret) {
  std::vector<std::string> needles;
  constexpr size_t kWindow = 12;
  for (size_t i = 0; i + kWindow <= secret.size(); ++i) needles.push_back(secret.substr(i, kWindow));
  for (size_t offset = 0; offset < 3; ++offset) {
    std::string b64 = Base64(std::string_view(secret).substr(offset));
    needles.push_back(b64);
    std::string url = b64;
    for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
    needles.push_back(url);
  }
  needles.push_back(Hex(secret));
  return needles;
}

// Where a planted credential shows up in `bytes`: "" if nowhere.
std::string FindSecret(const std::string& bytes) {
  for (const std::string& secret : AllSecrets()) {
    for (const std::string& needle : Needles(secret)) {
      if (size_t at = bytes.find(needle); at != std::string::npos) {
        size_t from = at > 60 ? at - 60 : 0;
        std::string near = bytes.substr(from, needle.size() + 120);
        for (char& c : near) c = c >= 32 && c < 127 ? c : '.';
        return "\"" + needle + "\" (from " + secret + ") near: " + near;
      }
    }
  }
  return "";
}

// Everything idsync wrote, by where it came from.
using Corpus = std::vector<std::pair<std::string, std::string>>;

void AddRun(Corpus& corpus, const std::string& label, const RunResult& r) {
  corpus.emplace_back(label + " stdout", r.out);
  corpus.emplace_back(label + " stderr", r.err);
}

// Every regular file under `root` except the planted secrets, as raw bytes.
void AddFiles(Corpus& corpus, const std::string& label, const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().parent_path().filename() == "secrets") continue;
    corpus.emplace_back(label + " " + fs::relative(entry.path(), root).string(), SlurpFile(entry.path().string()));
  }
}

// One scim platform behind /scim-cut/v2: a 500 whose quoted first 200 bytes end inside
// the echoed credential.
std::string CutManifest(const EchoFront& front) {
  return "version: 1\n"
         "platforms:\n"
         "  scim-cut:\n"
         "    type: scim\n"
         "    url: " + front.Url("/scim-cut/v2") + "\n"
         "    credentials: { token: { env: PLANTED_SCIM_CUT_TOKEN } }\n"
         "roles:\n"
         "  engineer: { scim-cut: { groups: [ Engineering ] } }\n"
         "users:\n"
         "  - { email: alice@acme.io, name: Alice Liddell, roles: [engineer] }\n";
}

struct Fixture {
  Sim sim{Seed()};
  EchoFront front{sim.port()};
  TempDir dir;
  std::map<std::string, std::string> env{{"PLANTED_WS_KEY", kWsKey},
                                         {"PLANTED_WS_SECRET", kWsSecret},
                                         {"PLANTED_HOUSTON_KEY", kHoustonKey},
                                         {"PLANTED_HOUSTON_WRONG_KEY", kHoustonWrongKey},
                                         {"PLANTED_ASTRA_TOKEN", kAstraToken},
                                         {"PLANTED_ORG_TOKEN", kOrgToken},
                                         {"PLANTED_DENIED_TOKEN", kDeniedToken},
                                         {"PLANTED_SCIM_CUT_TOKEN", kScimCutToken},
                                         {"IDSYNC_API_TOKEN", kApiToken}};
  explicit Fixture(bool cut = false) {
    dir.Write("secrets/scim-token", kScimToken + "\n");
    dir.Write("idsync.yaml", cut ? CutManifest(front) : Manifest(sim, front));
  }
  std::string ManifestPath() const { return dir.path() + "/idsync.yaml"; }
  std::string State() const { return dir.path() + "/state.db"; }
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--state", State()});
    return Idsync(args, env);
  }
};

}  // namespace

TEST_CASE("the search finds each planted credential in every form it looks for") {
  // The positive control: without it, a broken search would pass the audit below.
  const std::string secret = kScimToken;
  const std::vector<std::pair<const char*, std::string>> planted = {
      {"raw", "x" + secret + "y"},
      {"bearer header", "Authorization: Bearer " + secret},
      {"truncated to its first 12 bytes", "HTTP 500: ... Bearer " + secret.substr(0, 12)},
      {"a middle piece", secret.substr(7, 13)},
      {"basic auth, alignment 0", "Basic " + Base64("a:" + secret + "  ")},
      {"basic auth, alignment 1", "Basic " + Base64("ab:" + secret + "  ")},
      {"basic auth, alignment 2", "Basic " + Base64(":" + secret + "  ")},
      {"hex dump", "0x" + Hex("..." + secret)},
  };
  for (const auto& item : planted) {
    CAPTURE(item.first);
    CHECK_FALSE(FindSecret(item.second).empty());
  }
  for (const std::string& s : AllSecrets()) CHECK_FALSE(FindSecret("k=" + s).empty());
  CHECK(FindSecret("Authorization: (redacted), X-API-SECRET: (redacted)").empty());
  Fixture f;  // and where the test itself plants them
  CHECK_FALSE(FindSecret(SlurpFile(f.dir.path() + "/secrets/scim-token")).empty());
  CHECK(FindSecret(SlurpFile(f.ManifestPath())).empty());
}

TEST_CASE("no credential appears in anything idsync writes, on success or failure, CLI or daemon") {
  Fixture f;
  Corpus corpus;
  const std::string m = f.ManifestPath();

  AddRun(corpus, "validate", Idsync({"validate", "-f", m, "--log-level", "debug"}, f.env));
  RunResult plan = f.Run({"plan", "-f", m, "--log-level", "debug"});
  AddRun(corpus, "plan", plan);
  CHECK(plan.exit_code == 1);  // astro-wrong-key and denied cannot list
  AddRun(corpus, "plan json", f.Run({"plan", "-f", m, "--format", "json", "--log-level", "trace"}));
  AddRun(corpus, "plan markdown",
         f.Run({"plan", "-f", m, "--format", "markdown", "--log-level", "debug", "--log-format", "json"}));

  RunResult apply = f.Run({"apply", "-f", m, "--log-level", "debug"});
  AddRun(corpus, "apply", apply);
  INFO(apply.err);
  CHECK(apply.exit_code == 1);
  RunResult again = f.Run({"apply", "-f", m, "--log-level", "trace", "--log-format", "json"});
  AddRun(corpus, "second apply", again);

  // The runs really used the credentials: the simulator accepted them, the front saw them.
  json state = f.sim.State();
  bool alice_invited = false;
  for (const auto& i : state["workspace"]["invitations"]) alice_invited |= i["email"] == "alice@acme.io";
  CHECK(alice_invited);
  std::multiset<std::string> seen = f.front.Authorizations();
  CHECK(seen.count("POST Bearer " + kScimToken) >= 1);
  CHECK(seen.count("GET Bearer " + kDeniedToken) >= 1);
  CHECK(f.front.Writes() >= 1);
  // The failures are reported, naming the platform (without the echoed credential).
  CHECK(apply.err.find("denied") != std::string::npos);
  CHECK(apply.err.find("astro-wrong-key") != std::string::npos);
  CHECK(apply.err.find("scim") != std::string::npos);

  for (const char* format : {"table", "json"}) {
    AddRun(corpus, std::string("history ") + format, f.Run({"history", "--format", format, "--log-level", "debug"}));
    AddRun(corpus, std::string("status ") + format, f.Run({"status", "--format", format, "--log-level", "debug"}));
  }
  for (const char* platform : {"ws", "astro", "astro-wrong-key", "astra", "fw", "scim", "denied"}) {
    AddRun(corpus, std::string("export ") + platform,
           f.Run({"export", "-f", m, "--platform", platform, "--log-level", "debug"}));
  }

  {
    DaemonProcess d(f.dir, {"-f", m, "--state", f.State(), "--interval", "1h", "--log-level", "debug"}, f.env);
    REQUIRE(Eventually([&] {
      json p = d.PlatformStatus("scim");
      return !p.is_null() && !p["last_run"].is_null();
    }));
    for (const char* path : {"/healthz", "/readyz", "/metrics", "/v1/status"}) {
      auto res = d.Get(path);
      REQUIRE(res);
      CHECK(res->status == 200);
      corpus.emplace_back(std::string("GET ") + path, res->body);
    }
    for (const auto& [label, auth] : std::vector<std::pair<std::string, std::string>>{
             {"without a token", ""}, {"with a wrong token", "Bearer " + kApiToken + "x"},
             {"with the token", "Bearer " + kApiToken}}) {
      httplib::Headers headers;
      if (!auth.empty()) headers.emplace("Authorization", auth);
      auto res = d.Post("/v1/reconcile", headers);
      REQUIRE(res);
      CHECK(res->status == (label == "with the token" ? 202 : 401));
      corpus.emplace_back("POST /v1/reconcile " + label, res->body);
    }
    int writes = f.front.Writes();
    CHECK(Eventually([&] { return f.front.Writes() > writes; }));  // the requested reconcile ran
    auto metrics = d.Get("/metrics");
    REQUIRE(metrics);
    corpus.emplace_back("GET /metrics after reconcile", metrics->body);
    corpus.emplace_back("GET /v1/status after reconcile", d.Status().dump());
    // The database as it is while the daemon holds it open: -wal and -shm included.
    AddFiles(corpus, "while running:", f.dir.path());
    d.Signal(SIGTERM);
    CHECK(d.Wait() == 0);
  }
  AddFiles(corpus, "after:", f.dir.path());

  std::set<std::string> names;
  for (const auto& [label, bytes] : corpus) names.insert(label);
  CHECK(names.count("while running: state.db-wal") == 1);
  CHECK(names.count("while running: state.db-shm") == 1);
  CHECK(names.count("after: idsync.err") == 1);  // the daemon's log
  size_t total = 0;
  for (const auto& output : corpus) {
    total += output.second.size();
    CAPTURE(output.first);
    CHECK(FindSecret(output.second) == "");
  }
  MESSAGE("searched " << corpus.size() << " outputs, " << total << " bytes");
}

}  // namespace idsync::testing

namespace idsync::testing {

// An error message quotes only the first 200 bytes of an answer's body, so a credential
// the server echoed could be cut in half there, where matching whole credentials cannot
// find it; the HTTP stack removes echoed credentials from the body before anyone quotes it.
TEST_CASE("a credential cut in half by an error message's quote of the body is still redacted") {
  Fixture f(/*cut=*/true);
  Corpus corpus;
  const std::string m = f.ManifestPath();
  RunResult apply = f.Run({"apply", "-f", m, "--log-level", "debug"});
  AddRun(corpus, "apply", apply);
  CHECK(apply.exit_code == 1);
  CHECK(f.front.Authorizations().count("POST Bearer " + kScimCutToken) >= 1);
  AddRun(corpus, "status", f.Run({"status", "--format", "json"}));
  AddRun(corpus, "history", f.Run({"history", "--format", "json"}));
  AddFiles(corpus, "after:", f.dir.path());
  for (const auto& output : corpus) {
    CAPTURE(output.first);
    CHECK(FindSecret(output.second) == "");
  }
}

}  // namespace idsync::testing
