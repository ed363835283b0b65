// Loading the manifest (SPEC §2): files and directories in, a Manifest value or every
// problem as a "FILE:LINE:COLUMN: message" diagnostic out. Nothing here throws.
// Thread-safety: reentrant; calls share no state.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/manifest.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX (Sha256 below)

namespace idsync {

struct LoadResult {
  std::optional<Manifest> manifest;  // set only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // sorted by file, line, column
  bool ok() const { return manifest.has_value() && diagnostics.empty(); }
};

// paths: files or directories (read recursively, *.yaml/*.yml, sorted by path, others
// ignored; entries whose name starts with '.' are skipped, so git-sync's .worktrees and
// .git are not read twice). Files are read in path order; FILE in diagnostics is the
// path as given or found (relative stays relative).
LoadResult LoadManifest(const std::vector<std::string>& paths);

// SHA-256 of `bytes` as 64 lowercase hex digits (the manifest digest's hash; plans use
// it too).
std::string Sha256Hex(std::string_view bytes);

// The same digest taken piece by piece (the manifest's files, the live snapshot): Hex()
// after every Update gives what Sha256Hex gives for the pieces joined.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  std::string Hex();  // finishes the digest: call once

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

// Same, from in-memory files (name -> text), for tests and fuzzing.
LoadResult LoadManifestFromStrings(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace idsync
