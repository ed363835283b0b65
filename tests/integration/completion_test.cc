// `idsync completion bash|zsh|fish` (SPEC §4): every command and every flag that the
// command line accepts is in each script, and each script parses in its shell.
// The commands and flags are read from `idsync --help` and `idsync CMD --help`, which
// CLI11 renders from the same table that parses argv, not from the completion code.
#include <doctest/doctest.h>

#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/integration/harness.h"

namespace idsync::testing {
namespace {

// The words of the section `title` ("Subcommands:", "Options:") of a CLI11 help text:
// the first column of each indented line, split at commas.
std::vector<std::string> Section(const std::string& help, const std::string& title) {
  std::istringstream in(help);
  std::string line;
  bool inside = false;
  std::vector<std::string> words;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      inside = line.rfind(title, 0) == 0;
      continue;
    }
    if (!inside) continue;
    std::istringstream cols(line);
    std::string first;
    cols >> first;
    std::istringstream names(first);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (!name.empty() && (title != "Options:" || name[0] == '-')) words.push_back(name);
    }
  }
  return words;
}

std::string ShellPath(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/local/bin/"}) {
    std::string p = std::string(dir) + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

bool HasWord(const std::string& script, const std::string& word) {
  // A flag or command name stands alone: followed by a space, quote, bracket, bar or
  // newline, never as the prefix of a longer name.
  for (std::size_t at = script.find(word); at != std::string::npos; at = script.find(word, at + 1)) {
    char next = at + word.size() < script.size() ? script[at + word.size()] : '\n';
    if (std::string(" '\"[|)\n").find(next) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every command and flag of the command table is in each completion script") {
  RunResult top = Idsync({"--help"});
  REQUIRE(top.exit_code == 0);
  std::vector<std::string> commands = Section(top.out, "Subcommands:");
  REQUIRE(commands.size() >= 9);
  std::set<std::string> flags_of_top;
  for (const auto& f : Section(top.out, "Options:")) flags_of_top.insert(f);
  REQUIRE(flags_of_top.count("--log-level"));

  for (const char* shell : {"bash", "zsh", "fish"}) {
    CAPTURE(shell);
    RunResult script = Idsync({"completion", shell});
    REQUIRE(script.exit_code == 0);
    for (const auto& f : flags_of_top) {
      CAPTURE(f);
      // fish writes "--name" as "-l name" and "-x" as "-s x".
      std::string want = std::string(shell) == "fish"
                             ? (f.rfind("--", 0) == 0 ? "-l " + f.substr(2) : "-s " + f.substr(1))
                             : f;
      CHECK(HasWord(script.out, want));
    }
    for (const auto& cmd : commands) {
      CAPTURE(cmd);
      CHECK(HasWord(script.out, cmd));
      RunResult help = Idsync({cmd, "--help"});
      REQUIRE(help.exit_code == 0);
      for (const auto& f : Section(help.out, "Options:")) {
        CAPTURE(f);
        std::string want = std::string(shell) == "fish"
                               ? (f.rfind("--", 0) == 0 ? "-l " + f.substr(2) : "-s " + f.substr(1))
                               : f;
        CHECK(HasWord(script.out, want));
      }
    }
  }
}

TEST_CASE("a flag's values and the completion shells are completed") {
  RunResult bash = Idsync({"completion", "bash"});
  REQUIRE(bash.exit_code == 0);
  CHECK(bash.out.find("text json markdown") != std::string::npos);     // plan --format
  CHECK(bash.out.find("trace debug info warn error") != std::string::npos);
  CHECK(bash.out.find("bash zsh fish") != std::string::npos);          // completion SHELL
  CHECK(bash.out.find("complete -F _idsync idsync") != std::string::npos);
  CHECK(Idsync({"completion", "tcsh"}).exit_code == 1);
}

TEST_CASE("each script parses in its own shell") {
  TempDir dir;
  struct Case { const char* shell; const char* file; std::vector<std::string> check; };
  for (const Case& c : {Case{"bash", "idsync.bash", {"-n"}}, Case{"zsh", "_idsync", {"-n"}},
                        Case{"fish", "idsync.fish", {"--no-execute"}}}) {
    CAPTURE(c.shell);
    std::string binary = ShellPath(c.shell);
    if (binary.empty()) {
      MESSAGE(c.shell << " is not installed: its script is not parsed");
      CHECK(std::string(c.shell) != "bash");  // bash is always there
      continue;
    }
    RunResult script = Idsync({"completion", c.shell});
    REQUIRE(script.exit_code == 0);
    std::string path = dir.Write(c.file, script.out);
    std::vector<std::string> args = c.check;
    args.push_back(path);
    RunResult parsed = RunProcess(binary, args);
    CAPTURE(parsed.err);
    CHECK(parsed.exit_code == 0);
  }
}

TEST_CASE("bash completes a command, then its flags, then a flag's values") {
  TempDir dir;
  RunResult script = Idsync({"completion", "bash"});
  REQUIRE(script.exit_code == 0);
  std::string path = dir.Write("idsync.bash", script.out);
  // Drive the completion function as bash would, one command line at a time.
  auto complete = [&](const std::string& words) {
    std::string program = "source '" + path + "'\nCOMP_WORDS=(" + words +
                          ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_idsync\n"
                          "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    return RunProcess("/bin/bash", {"-c", program}).out;
  };
  CHECK(complete("idsync ap") == "apply\n");
  CHECK(complete("idsync apply --allow").find("--allow-removals") != std::string::npos);
  CHECK(complete("idsync plan --format m") == "markdown\n");
  CHECK(complete("idsync --log-level apply --log-level w") == "warn\n");
}

}  // namespace idsync::testing
