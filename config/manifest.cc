#include "config/manifest.h"

namespace idsync {

std::string ToString(const SourceMark& mark) {
  return mark.file.str() + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

std::string ToString(const Diagnostic& d) { return ToString(d.mark) + ": " + d.message; }

}  // namespace idsync
