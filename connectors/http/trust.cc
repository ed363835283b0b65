#include "connectors/http/trust.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

namespace idsync {
namespace {

StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition(std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

StatusOr<std::shared_ptr<const std::string>> Compose(const std::string& system_bundle,
                                                     const std::string& ca_file) {
  StatusOr<std::string> extra = ReadWhole(ca_file);
  if (!extra.ok()) {
    return FailedPrecondition("TLS CA file " + ca_file + " could not be used: " +
                              extra.status().message());
  }
  if (extra->find("CERTIFICATE-----") == std::string::npos) {
    return FailedPrecondition("TLS CA file " + ca_file + " could not be used: no PEM certificate in it");
  }
  std::string bundle;
  if (!system_bundle.empty()) {
    StatusOr<std::string> system = ReadWhole(system_bundle);
    if (system.ok()) bundle = std::move(system).value();  // none: CAPATH alone
  }
  if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  return std::make_shared<const std::string>(bundle + *extra);
}

}  // namespace

StatusOr<std::shared_ptr<const std::string>> TrustBundle(const std::string& system_bundle,
                                                         const std::string& ca_file) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::shared_ptr<const std::string>> cache;
  std::lock_guard lock(mu);
  const auto key = std::make_pair(system_bundle, ca_file);
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  StatusOr<std::shared_ptr<const std::string>> bundle = Compose(system_bundle, ca_file);
  if (bundle.ok()) cache.emplace(key, *bundle);  // failures are not cached
  return bundle;
}

}  // namespace idsync
