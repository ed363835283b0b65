// Fuzz target: the astra connector's response parsing, the input being the HTTP body
// of its list answers and of its mutation answers (see connector_fuzz.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/connector_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  return idsync::fuzz::FuzzConnector(idsync::PlatformType::kAstra, data, size);
}
