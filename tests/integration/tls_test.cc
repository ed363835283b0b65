// TLS and plain-HTTP rules (SPEC §2: `tls: { ca_file }` is extra trust, never "verify:
// false"; http:// only on loopback unless `insecure_http: true`, which is logged). The
// real idsync talks to an in-process HTTPS front whose certificates this test makes
// with a throwaway CA; the front forwards to idsync-sim's workspace API.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "tests/integration/platform_fixture.h"
#include "tests/integration/tls_certs.h"

namespace idsync::testing {
namespace {

const std::string kSeed = WsSeed(kBobBuilder);

// An HTTPS server presenting `cert` that forwards POST /workspace/graphql to the sim.
class TlsFront {
 public:
  TlsFront(const std::string& cert_file, const std::string& key_file, int sim_port)
      : server_(cert_file.c_str(), key_file.c_str()), sim_port_(sim_port) {
    if (!server_.is_valid()) throw std::runtime_error("SSLServer: cannot load the certificate or key");
    server_.Post("/workspace/graphql", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      httplib::Client sim("127.0.0.1", sim_port_);
      httplib::Headers headers = {{"X-API-KEY", req.get_header_value("X-API-KEY")},
                                  {"X-API-SECRET", req.get_header_value("X-API-SECRET")}};
      auto answer = sim.Post("/workspace/graphql", headers, req.body, "application/json");
      if (!answer) {
        res.status = 502;
        return;
      }
      res.status = answer->status;
      res.set_content(answer->body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // The socket is bound, so requests queue; stop() needs the loop running, though.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TlsFront() {
    server_.stop();
    thread_.join();
  }
  TlsFront(const TlsFront&) = delete;
  TlsFront& operator=(const TlsFront&) = delete;

  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  httplib::SSLServer server_;
  int sim_port_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// The CAs and certificates: `trusted` signs the front's certificate (and one for a
// wrong host name); `attacker` is a CA nobody configured, which signs a look-alike.
struct Pki {
  TempDir dir;
  TestCa trusted{"idsync test CA"};
  TestCa attacker{"attacker CA"};
  Pki() {
    dir.Write("ca.pem", trusted.CertPem());
    dir.Write("attacker-ca.pem", attacker.CertPem());
    dir.Write("certs/attacker-ca.pem", attacker.CertPem());
    Save("server", trusted.Issue("localhost", "DNS:localhost,IP:127.0.0.1"));
    Save("wrong-host", trusted.Issue("elsewhere.example", "DNS:elsewhere.example"));
    Save("forged", attacker.Issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  }
  void Save(const std::string& name, const PemPair& pair) {
    dir.Write(name + ".pem", pair.cert);
    dir.Write(name + ".key", pair.key);
  }
  std::string Cert(const std::string& name) const { return dir.path() + "/" + name + ".pem"; }
  std::string Key(const std::string& name) const { return dir.path() + "/" + name + ".key"; }
};

std::string Manifest(const std::string& url, const std::string& extra = "") {
  return WsHead(url) + extra +
         "roles:\n"
         "  engineer: { ws: DEVELOPER }\n"
         "users:\n"
         "  - { email: alice@acme.io, roles: [engineer] }\n";
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

struct Fixture {
  Sim sim{kSeed};
  Pki pki;
  TempDir dir;  // the manifest's directory
  std::map<std::string, std::string> env = kWsEnv;

  std::string Write(const std::string& manifest) { return dir.Write("idsync.yaml", manifest); }
  RunResult Run(const char* command, const std::map<std::string, std::string>& extra_env = {}) {
    std::map<std::string, std::string> all = env;
    for (const auto& [k, v] : extra_env) all[k] = v;
    return Idsync({command, "-f", dir.path() + "/idsync.yaml", "--state", dir.path() + "/state.db"}, all);
  }
  std::string Https(const TlsFront& front, const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(front.port()) + "/workspace/graphql";
  }
};

// The error says which platform and that the certificate was not trusted.
void CheckVerificationFailed(const RunResult& r) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "ws:"));
  CHECK(Has(r.err, "certificate verification failed"));
  CHECK_FALSE(Has(r.out, "alice@acme.io"));
}

}  // namespace

TEST_CASE("a certificate from an unknown CA fails with an error naming the platform") {
  Fixture f;
  TlsFront front(f.pki.Cert("server"), f.pki.Key("server"), f.sim.port());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    CAPTURE(host);
    f.Write(Manifest(f.Https(front, host)));
    CheckVerificationFailed(f.Run("plan"));
  }
  CHECK(front.requests() == 0);  // the handshake failed: no request, no credential sent
}

TEST_CASE("tls.ca_file makes the platform's CA trusted, relative to the manifest") {
  Fixture f;
  TlsFront front(f.pki.Cert("server"), f.pki.Key("server"), f.sim.port());
  f.dir.Write("pki/corp-ca.pem", f.pki.trusted.CertPem());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    CAPTURE(host);
    f.Write(Manifest(f.Https(front, host), "    tls: { ca_file: pki/corp-ca.pem }\n"));
    RunResult plan = f.Run("plan");
    INFO(plan.err);
    CHECK(plan.exit_code == 0);
    CHECK(Has(plan.out, "alice@acme.io"));
  }
  CHECK(front.requests() > 0);
  f.Write(Manifest(f.Https(front), "    tls: { ca_file: " + f.pki.dir.path() + "/ca.pem }\n"));
  RunResult apply = f.Run("apply");
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(f.sim.Counters()["workspace"].value("inviteUser", 0) == 1);
}

TEST_CASE("what tls.ca_file does not vouch for still fails") {
  Fixture f;
  SUBCASE("a certificate signed by another CA") {
    TlsFront front(f.pki.Cert("forged"), f.pki.Key("forged"), f.sim.port());
    f.Write(Manifest(f.Https(front), "    tls: { ca_file: " + f.pki.dir.path() + "/ca.pem }\n"));
    CheckVerificationFailed(f.Run("plan"));
    CHECK(front.requests() == 0);
  }
  SUBCASE("the configured CA is not the one that signed the certificate") {
    TlsFront front(f.pki.Cert("server"), f.pki.Key("server"), f.sim.port());
    f.Write(Manifest(f.Https(front), "    tls: { ca_file: " + f.pki.dir.path() + "/attacker-ca.pem }\n"));
    CheckVerificationFailed(f.Run("plan"));
    CHECK(front.requests() == 0);
  }
  SUBCASE("a trusted certificate for another host name") {
    TlsFront front(f.pki.Cert("wrong-host"), f.pki.Key("wrong-host"), f.sim.port());
    f.Write(Manifest(f.Https(front), "    tls: { ca_file: " + f.pki.dir.path() + "/ca.pem }\n"));
    CheckVerificationFailed(f.Run("plan"));
    CHECK(front.requests() == 0);
  }
}

TEST_CASE("a ca_file that cannot be read fails naming the platform and the file") {
  Fixture f;
  TlsFront front(f.pki.Cert("server"), f.pki.Key("server"), f.sim.port());
  f.dir.Write("not-a-cert.pem", "this is not PEM\n");
  for (const std::string file : {"missing-ca.pem", "not-a-cert.pem"}) {
    CAPTURE(file);
    f.Write(Manifest(f.Https(front), "    tls: { ca_file: " + file + " }\n"));
    RunResult plan = f.Run("plan");
    INFO(plan.err);
    CHECK(plan.exit_code == 1);
    CHECK(Has(plan.err, "ws:"));
    CHECK(Has(plan.err, file));
  }
  CHECK(front.requests() == 0);
}

TEST_CASE("no manifest key turns certificate verification off") {
  Fixture f;
  // Every spelling someone might try is an unknown key: an error at its line and column.
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"    tls: { ca_file: ca.pem, verify: false }\n", "verify"},
      {"    tls: { ca_file: ca.pem, insecure: true }\n", "insecure"},
      {"    tls: { ca_file: ca.pem, insecure_skip_verify: true }\n", "insecure_skip_verify"},
      {"    tls: { ca_file: ca.pem, verify_peer: false }\n", "verify_peer"},
      {"    tls: { ca_file: ca.pem, verify_host: false }\n", "verify_host"},
      {"    tls: { verify: false }\n", "verify"},
      {"    insecure: true\n", "insecure"},
      {"    verify_tls: false\n", "verify_tls"},
      {"    tls_verify: false\n", "tls_verify"},
      {"    insecure_tls: true\n", "insecure_tls"},
      {"    insecure_skip_verify: true\n", "insecure_skip_verify"},
      {"    skip_tls_verify: true\n", "skip_tls_verify"},
  };
  for (const auto& attempt : attempts) {
    const std::string& extra = attempt.first;
    const std::string& key = attempt.second;
    CAPTURE(attempt.first);
    const std::string path = f.Write(Manifest("https://127.0.0.1:1/workspace/graphql", extra));
    RunResult r = Idsync({"validate", "-f", path});
    CHECK(r.exit_code == 1);
    // idsync.yaml line 9 is the extra line; the column is where the key starts.
    const size_t column = extra.find(key) + 1;
    CHECK(Has(r.err, path + ":9:" + std::to_string(column) + ":"));
    CHECK(Has(r.err, key));
  }
  // insecure_http is about plain http://, never about TLS.
  TlsFront front(f.pki.Cert("server"), f.pki.Key("server"), f.sim.port());
  f.Write(Manifest(f.Https(front), "    insecure_http: true\n"));
  CheckVerificationFailed(f.Run("plan"));
  CHECK(front.requests() == 0);
}

TEST_CASE("CA environment variables add no trust: only the system store and tls.ca_file count") {
  Fixture f;
  TlsFront front(f.pki.Cert("forged"), f.pki.Key("forged"), f.sim.port());
  const std::string attacker = f.pki.dir.path() + "/attacker-ca.pem";
  const std::vector<std::map<std::string, std::string>> environments = {
      {{"SSL_CERT_FILE", attacker}},
      {{"SSL_CERT_DIR", f.pki.dir.path() + "/certs"}},
      {{"CURL_CA_BUNDLE", attacker}},
      {{"REQUESTS_CA_BUNDLE", attacker}, {"NODE_EXTRA_CA_CERTS", attacker}},
  };
  for (const std::string& extra : {std::string(), "    tls: { ca_file: " + f.pki.dir.path() + "/ca.pem }\n"}) {
    f.Write(Manifest(f.Https(front), extra));
    for (const auto& environment : environments) {
      CAPTURE(environment.begin()->first);
      CAPTURE(extra);
      CheckVerificationFailed(f.Run("plan", environment));
    }
  }
  CHECK(front.requests() == 0);
}

TEST_CASE("plain http:// to a host that is not loopback is a validation error at the url") {
  TempDir dir;
  for (const std::string url :
       {"http://10.0.0.5/workspace/graphql", "http://idsync.example/workspace/graphql",
        "http://0.0.0.0:8080/workspace/graphql", "http://127.0.0.1.example/workspace/graphql",
        "http://localhost.attacker.example/", "http://[::ffff:10.0.0.5]/"}) {
    CAPTURE(url);
    const std::string path = dir.Write("idsync.yaml", Manifest(url));
    RunResult r = Idsync({"validate", "-f", path});
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, path + ":5:10: "));  // the url value: line 5, after "    url: "
    CHECK(Has(r.err, "insecure_http"));
  }
  for (const std::string url : {"http://127.0.0.1:1/x", "http://localhost:1/x", "http://[::1]:1/x",
                                "http://127.8.9.10/x", "https://idsync.example/x"}) {
    CAPTURE(url);
    RunResult r = Idsync({"validate", "-f", dir.Write("idsync.yaml", Manifest(url))});
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("a url carrying a password is an inline secret, refused at validation") {
  TempDir dir;
  for (const std::string url : {"https://admin:hunter2@idsync.example/x", "http://user:hunter2@127.0.0.1:1/x",
                                "http://127.0.0.1@attacker.example/x"}) {
    CAPTURE(url);
    const std::string path = dir.Write("idsync.yaml", Manifest(url));
    RunResult r = Idsync({"validate", "-f", path});
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, path + ":5:10: "));
    CHECK_FALSE(Has(r.err, "hunter2"));
  }
}

TEST_CASE("insecure_http: true allows plain http:// elsewhere and says so in the log") {
  Fixture f;
  // 0.0.0.0 is not a loopback name, yet connecting to it reaches this machine.
  const std::string url = "http://0.0.0.0:" + std::to_string(f.sim.port()) + "/workspace/graphql";
  f.Write(Manifest(url, "    insecure_http: true\n"));
  RunResult validate = Idsync({"validate", "-f", f.dir.path() + "/idsync.yaml"});
  INFO(validate.err);
  CHECK(validate.exit_code == 0);
  RunResult plan = f.Run("plan");
  INFO(plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(Has(plan.out, "alice@acme.io"));
  std::istringstream lines(plan.err);
  bool warned = false;
  for (std::string line; std::getline(lines, line);)
    warned |= Has(line, "warn") && Has(line, "ws") && Has(line, "insecure_http") && !Has(line, "sim-secret");
  CHECK(warned);

  // Loopback needs no flag and gets no warning.
  f.Write(Manifest(f.sim.Url("/workspace/graphql")));
  RunResult loopback = f.Run("plan");
  CHECK(loopback.exit_code == 0);
  CHECK_FALSE(Has(loopback.err, "insecure_http"));
}

}  // namespace idsync::testing
