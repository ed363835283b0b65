// Throwaway X.509 material for TLS tests, made with the OpenSSL C API: a self-signed CA
// and leaf certificates it signs. Keys are fresh P-256 keys, valid from an hour ago for a
// day. Nothing here is fit for anything but a test.
#pragma once

#include <memory>
#include <string>

namespace idsync::testing {

struct PemPair {
  std::string cert;  // PEM "CERTIFICATE"
  std::string key;   // PEM "PRIVATE KEY" (PKCS#8, unencrypted)
};

class TestCa {
 public:
  // A CA certificate with subject CN=`name` (basicConstraints CA:TRUE, keyCertSign).
  // Throws std::runtime_error if OpenSSL fails.
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  std::string CertPem() const;
  // A server certificate CN=`common_name` with subjectAltName `sans` in OpenSSL's
  // config syntax ("DNS:localhost,IP:127.0.0.1"), extendedKeyUsage serverAuth, signed
  // by this CA.
  PemPair Issue(const std::string& common_name, const std::string& sans) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace idsync::testing
