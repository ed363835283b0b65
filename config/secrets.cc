#include "config/secrets.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace idsync {

StatusOr<std::string> ReadSecret(const PlatformConfig& platform, const std::string& key) {
  const std::string where = "platform " + platform.name + ": credentials." + key;
  auto it = platform.credentials.find(key);
  if (it == platform.credentials.end())
    return FailedPrecondition(where + ": not configured in the manifest");
  const SecretRef& ref = it->second;
  std::string value;
  std::string source;
  if (ref.kind == SecretRef::Kind::kEnv) {
    source = "environment variable " + ref.name;
    const char* env = std::getenv(ref.name.c_str());
    if (env == nullptr) return FailedPrecondition(where + ": " + source + " is not set");
    value = env;
  } else {
    const std::string& path = ref.resolved.empty() ? ref.name : ref.resolved;
    source = "file " + path;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      int err = errno;
      return FailedPrecondition(where + ": cannot read " + source + ": " + std::strerror(err));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    value = buffer.str();
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return FailedPrecondition(where + ": " + source + " is empty");
  return value;
}

}  // namespace idsync
