// The Git commit a manifest file was read from, for the runs table (SPEC §6).
#pragma once

#include <string>

namespace idsync {

// HEAD of the work tree holding `path` (a file or directory), or "" when `path` is not
// in a Git work tree or git is not installed. Runs `git` without a shell.
std::string GitCommitOf(const std::string& path);

}  // namespace idsync
