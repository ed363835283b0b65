// One platform block of the manifest (SPEC §2 `platforms:`), checked and turned into a
// PlatformConfig: type, url, credentials (shape only; secrets are read by secrets.h),
// and the options every type shares, each checked against the type's capabilities.
#pragma once

#include <optional>
#include <string>

#include "config/manifest.h"
#include "config/yaml_read.h"

namespace idsync {

struct ParsedPlatform {
  PlatformConfig config;
  bool type_known = false;  // false: `type` missing or invalid; bindings are not checked
};

// Parses platform instance `key` (its name) with body `value`. Always returns the
// instance so roles can refer to it; problems are reported through `reader`.
ParsedPlatform ParsePlatform(YamlReader& reader, NodeId key, NodeId value);

// The directory-relative `path` of a file named in manifest `manifest_file`, made
// absolute: absolute paths are kept, relative ones resolve against its directory.
std::string ResolveAgainst(const std::string& manifest_file, const std::string& path);

}  // namespace idsync
