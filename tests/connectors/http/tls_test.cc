// TLS through an engine lane against a cpp-httplib SSLServer on 127.0.0.1, with a
// self-signed certificate made here (nothing committed, nothing shelled out).
#include <doctest/doctest.h>
#include <curl/curl.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "connectors/http/engine.h"
#include "connectors/http/trust.h"

namespace idsync {
namespace {

using namespace std::chrono_literals;

struct SelfSigned {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;

  SelfSigned() {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("idsync test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert, key, EVP_sha256());
  }
  ~SelfSigned() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  bool ok() const { return key != nullptr && cert != nullptr; }

  // Writes the certificate as PEM; returns the path.
  std::string WritePem(const std::string& name) const {
    const auto path = std::filesystem::temp_directory_path() / name;
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return "";
    PEM_write_X509(f, cert);
    std::fclose(f);
    return path.string();
  }
};

TEST_CASE("TLS verification is on: an untrusted certificate fails, a given CA file trusts it") {
  SelfSigned tls;
  REQUIRE(tls.ok());
  httplib::SSLServer server(tls.cert, tls.key);
  REQUIRE(server.is_valid());
  server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secure hello", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  for (int i = 0; i < 1000 && !server.is_running(); ++i) std::this_thread::sleep_for(1ms);

  HttpRequest request;
  request.url = "https://127.0.0.1:" + std::to_string(port) + "/hello";

  auto engine_owner = std::make_unique<HttpEngine>();
  HttpEngine& engine = *engine_owner;
  LaneOptions system_trust;
  system_trust.name = "system-trust";
  system_trust.transfer.timeout = 2s;
  StatusOr<HttpResponse> untrusted = engine.Lane(system_trust).Send(request);
  CHECK(untrusted.status().code() == StatusCode::kFailedPrecondition);
  CHECK(untrusted.status().message().starts_with("TLS certificate verification failed for 127.0.0.1: "));
  CHECK_FALSE(untrusted.status().retryable());

  const std::string pem = tls.WritePem("idsync-connectors-test-" + std::to_string(port) + ".pem");
  REQUIRE_FALSE(pem.empty());
  LaneOptions extra_trust = system_trust;
  extra_trust.name = "extra-trust";
  extra_trust.transfer.ca_file = pem;
  StatusOr<HttpResponse> trusted = engine.Lane(extra_trust).Send(request);
  CHECK(trusted.ok());
  if (trusted.ok()) CHECK(trusted->body == "secure hello");

  LaneOptions missing_ca = system_trust;
  missing_ca.name = "missing-ca";
  missing_ca.transfer.ca_file = pem + ".missing";
  StatusOr<HttpResponse> bad_file = engine.Lane(missing_ca).Send(request);
  CHECK(bad_file.status().code() == StatusCode::kFailedPrecondition);
  CHECK(bad_file.status().message().starts_with("TLS CA file " + pem + ".missing could not be used: "));

  // The trusting lane's connection is still open: a lane without the CA must not
  // reuse it (verification is per request, not per connection).
  CHECK(engine.Lane(system_trust).Send(request).status().code() == StatusCode::kFailedPrecondition);

  engine_owner.reset();  // closes its kept-alive connections, so the server stops at once
  server.stop();
  thread.join();
  std::filesystem::remove(pem);
}

// One HTTPS server on 127.0.0.1 presenting `tls`'s certificate.
struct Server {
  explicit Server(const SelfSigned& tls) : server(tls.cert, tls.key) {
    server.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("secure hello", "text/plain");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 1000 && !server.is_running(); ++i) std::this_thread::sleep_for(1ms);
  }
  ~Server() {
    server.stop();
    thread.join();
  }
  httplib::SSLServer server;
  int port = 0;
  std::thread thread;
};

// One GET through libcurl trusting exactly `blob` (as a lane with a ca_file does), or
// the file `cainfo` (what CURLOPT_CAINFO did before). Returns the CURLcode.
CURLcode GetWith(int port, const std::string* blob, const std::string* cainfo) {
  CURL* curl = curl_easy_init();
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/hello";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);  // only what this test gives
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
  if (blob) {
    curl_blob b{const_cast<char*>(blob->data()), blob->size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &b);
  }
  if (cainfo) curl_easy_setopt(curl, CURLOPT_CAINFO, cainfo->c_str());
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return code;
}

TEST_CASE("tls.ca_file adds trust: what the system bundle trusts stays trusted") {
  // The machine's store cannot be changed here, so a bundle of our own stands in for
  // it: TrustBundle(system, ca_file) is what every lane with a ca_file gives libcurl.
  SelfSigned system_ca, extra_ca;
  REQUIRE(system_ca.ok());
  REQUIRE(extra_ca.ok());
  Server public_site(system_ca), corporate_site(extra_ca);
  const std::string tag = std::to_string(public_site.port);
  const std::string system_bundle = system_ca.WritePem("idsync-system-bundle-" + tag + ".pem");
  const std::string extra = extra_ca.WritePem("idsync-extra-ca-" + tag + ".pem");
  REQUIRE_FALSE(system_bundle.empty());
  REQUIRE_FALSE(extra.empty());

  StatusOr<std::shared_ptr<const std::string>> bundle = TrustBundle(system_bundle, extra);
  REQUIRE(bundle.ok());
  CHECK(GetWith(corporate_site.port, bundle->get(), nullptr) == CURLE_OK);
  CHECK(GetWith(public_site.port, bundle->get(), nullptr) == CURLE_OK);
  // What CURLOPT_CAINFO = ca_file did: the system's CA was no longer trusted.
  CHECK(GetWith(public_site.port, nullptr, &extra) == CURLE_PEER_FAILED_VERIFICATION);

  const std::string not_pem = extra + ".txt";
  { std::ofstream(not_pem) << "this is not PEM\n"; }
  CHECK(TrustBundle(system_bundle, not_pem).status() ==
        FailedPrecondition("TLS CA file " + not_pem + " could not be used: no PEM certificate in it"));
  CHECK(TrustBundle(system_bundle, extra + ".missing").status().message() ==
        "TLS CA file " + extra + ".missing could not be used: No such file or directory");
  std::filesystem::remove(system_bundle);
  std::filesystem::remove(extra);
  std::filesystem::remove(not_pem);
}

}  // namespace
}  // namespace idsync
