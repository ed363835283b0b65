// The database file's permissions (SPEC §4: "created with mode 0600").
// Internal to state/.
#pragma once

#include <string>

#include "core/status.h"

namespace idsync {

// Creates `path` with mode 0600 if absent (never wider, whatever the umask), and
// tightens an existing file, and its -wal, -shm and -journal companions when
// present, to 0600 if group or others have any access. Does not create directories.
// Errors name the path. Thread-safety: touches only the file system.
Status PreparePrivateFile(const std::string& path);

// Tightens the -wal, -shm and -journal companions of `path` that exist.
Status TightenCompanionFiles(const std::string& path);

}  // namespace idsync
