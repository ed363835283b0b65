// The Git commit a manifest file was read from, for the runs table (SPEC §6).
#pragma once

#include <chrono>
#include <string>

namespace idsync {

// HEAD of the work tree holding `path` (a file or directory), or "" when `path` is not
// in a Git work tree or git is not installed. Runs `git` without a shell, with no
// signal blocked and default dispositions (the daemon blocks its signals for its
// signalfd; a child must not inherit that, or it could not be stopped). A git that has
// not answered within `timeout` is killed (SIGKILL) and reaped, and "" is returned.
std::string GitCommitOf(const std::string& path,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace idsync
