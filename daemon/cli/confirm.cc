#include "daemon/cli/confirm.h"

#include <unistd.h>

#include <istream>
#include <ostream>
#include <string>

namespace idsync {

bool StdinIsTty() { return isatty(STDIN_FILENO) == 1; }

bool AskToApply(std::istream& in, std::ostream& out) {
  out << "\nApply these changes? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  if (!std::getline(in, answer)) return false;
  const auto first = answer.find_first_not_of(" \t\r");
  const auto last = answer.find_last_not_of(" \t\r");
  return first != std::string::npos && answer.substr(first, last - first + 1) == "yes";
}

}  // namespace idsync
