// Fuzz target: the manifest loader with the input as one YAML file. Whatever the
// bytes, LoadManifestFromStrings must return (a manifest or diagnostics) without
// crashing, throwing or tripping a sanitizer; a loaded manifest has no diagnostics.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("manifest.yaml", std::string(reinterpret_cast<const char*>(data), size));
  idsync::LoadResult result = idsync::LoadManifestFromStrings(files);
  if (result.manifest.has_value() != result.diagnostics.empty()) std::abort();
  return 0;
}
