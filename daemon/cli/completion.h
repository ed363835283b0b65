// Shell completion (SPEC §4 `idsync completion bash|zsh|fish`), generated from the
// CLI11 command table that parses the command line, so a command or flag added there
// is completed without a second list kept by hand.
//
// What is completed: every command, every flag of each command plus the global ones
// (they are accepted before or after the command name); a flag's values where the
// table names them (a description that is just "a|b|c"), file
// names where a flag's description speaks of a file, a directory, a path or a DB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace idsync {

struct CompletionFlag {
  std::vector<std::string> names;    // "-f", "--file"
  std::string help;
  bool takes_value = false;
  bool files = false;                // complete its value with file names
  std::vector<std::string> choices;  // complete its value from these
};

struct CompletionCommand {
  std::string name, help;
  std::vector<CompletionFlag> flags;
  std::vector<std::string> arguments;  // choices for its positional argument, if any
};

struct CompletionTable {
  std::vector<CompletionFlag> global;
  std::vector<CompletionCommand> commands;
};

// The commands and flags of `app` (its subcommands, one level deep).
CompletionTable TableOf(const CLI::App& app);

// The script for `shell` ("bash", "zsh" or "fish"); empty for another shell.
std::string CompletionScript(const CompletionTable& table, std::string_view shell);

// `idsync completion SHELL`: prints the script to stdout.
int CmdCompletion(const CLI::App& app, const std::string& shell);

}  // namespace idsync
