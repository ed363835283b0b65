// config_load: loads manifest paths the way `idsync validate` does and prints the
// diagnostics, or a one-line summary. Not a test: the driver for the validate benchmark
// (SPEC §9) until the CLI exists:
//   bench/gen_manifest.py 100000 > /tmp/m100k.yaml
//   /usr/bin/time -v build/tests/config/config_load /tmp/m100k.yaml
// With --resolve first, also resolves the desired users of every platform (through
// nested groups), for the nesting benchmark (bench/run --only nesting).
#include <cstdio>
#include <string>
#include <vector>

#include "config/loader.h"
#include "config/resolve.h"

int main(int argc, char** argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  const bool resolve = !paths.empty() && paths.front() == "--resolve";
  if (resolve) paths.erase(paths.begin());
  idsync::LoadResult result = idsync::LoadManifest(paths);
  for (const auto& d : result.diagnostics) std::fprintf(stderr, "%s\n", idsync::ToString(d).c_str());
  if (!result.ok()) return 1;
  const idsync::Manifest& m = *result.manifest;
  if (resolve) {
    std::size_t bindings = 0;
    for (const auto& [platform, users] : idsync::ResolveDesired(m)) bindings += users.size();
    std::printf("%zu user-platform bindings resolved\n", bindings);
  }
  std::printf("%zu files, %zu platforms, %zu roles, %zu groups, %zu users, digest %s\n",
              m.files.size(), m.platforms.size(), m.roles.size(), m.groups.size(), m.users.size(),
              m.digest.c_str());
  return 0;
}
