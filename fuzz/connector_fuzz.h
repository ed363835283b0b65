// The shared body of the connector fuzz targets (<type>_fuzz.cc): one connector of the
// given type, built through the factory over an in-process HttpClient that answers
// every request with the fuzz input as its body. The input is then read
//   1. as the HTTP body of a list answer: List() (every page; the fake answers the same
//      body each time, up to a bound, then fails as a dead server would), then Resolve();
//   2. as the HTTP body of a mutation answer: every mutating call with HTTP 200, then
//      again with an error status chosen by the input's first byte (error bodies).
// Any outcome is fine (a value or a Status); crashes, exceptions, sanitizer reports and
// hangs are the findings.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/platform.h"

namespace idsync::fuzz {

int FuzzConnector(PlatformType type, const uint8_t* data, std::size_t size);

}  // namespace idsync::fuzz
