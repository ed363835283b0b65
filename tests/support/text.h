// Small text checks shared by the tests that read a process's output.
#pragma once

#include <string>

namespace idsync::testing {

// Whether `needle` occurs in `haystack` (case-sensitive).
inline bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace idsync::testing
