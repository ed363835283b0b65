// The manifest the daemon acts on (SPEC §5): the last one that validated, swapped in
// whole. A reload reads every file, validates, and only then replaces the current
// manifest; a manifest that does not validate is kept as errors next to the last good
// one, which stays in force. Nothing ever acts on a broken or half-read manifest.
//
// Thread-safety: every method may be called from any thread; a Current() snapshot is
// immutable and stays valid while held.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/manifest.h"
#include "core/users.h"

namespace idsync {

struct LoadedManifest {
  Manifest manifest;
  std::map<std::string, DesiredUsers> desired;  // platform -> users
  // HEAD of the Git work tree holding the first -f path when this manifest was loaded
  // ("" outside Git), for the runs table: read once per load, beside the load itself,
  // never per reconcile (spawning git is ~20 ms in front of every revoke otherwise).
  std::string commit;
};

enum class ReloadResult {
  kUnchanged,  // same digest as the current manifest (and it was valid before)
  kChanged,    // a new valid manifest is current
  kInvalid,    // errors recorded; the previous manifest (if any) stays current
};

class ManifestState {
 public:
  explicit ManifestState(std::vector<std::string> paths) : paths_(std::move(paths)) {}

  // Loads and validates every file; logs each error as FILE:LINE:COLUMN: message. A
  // manifest whose digest is unchanged stays current with the commit it was loaded from.
  ReloadResult Reload();

  std::shared_ptr<const LoadedManifest> Current() const;  // null before the first valid one
  bool valid() const;                                      // the last reload validated
  std::vector<std::string> errors() const;                 // of the last reload

 private:
  const std::vector<std::string> paths_;
  mutable std::mutex mu_;
  std::shared_ptr<const LoadedManifest> current_;  // guarded by mu_
  bool valid_ = false;                             // guarded by mu_
  std::vector<std::string> errors_;                // guarded by mu_
};

}  // namespace idsync
