#include "daemon/cli/heap.h"

#ifdef IDSYNC_JEMALLOC
#include <jemalloc/jemalloc.h>
#include <sys/mman.h>

#include <spdlog/spdlog.h>

#include <cstdint>
#include <mutex>
#endif

namespace idsync {

#ifdef IDSYNC_JEMALLOC
namespace {

// jemalloc's own hooks of arena 0 (the only one: daemon/allocator.cc sets narenas:1),
// and ours: the same, except that new mappings are advised as huge pages. jemalloc's
// `thp:always` would do that for every command; custom hooks take it over per arena.
extent_hooks_t* default_hooks = nullptr;
extent_hooks_t huge_hooks;

void* AllocHuge(extent_hooks_t*, void* new_addr, size_t size, size_t alignment, bool* zero, bool* commit,
                unsigned arena) {
  void* p = default_hooks->alloc(default_hooks, new_addr, size, alignment, zero, commit, arena);
  if (p) madvise(p, size, MADV_HUGEPAGE);  // advice only: a refusal leaves 4 KiB pages
  return p;
}

bool Install() {
  size_t size = sizeof default_hooks;
  if (mallctl("arena.0.extent_hooks", &default_hooks, &size, nullptr, 0) != 0 || !default_hooks) return false;
  huge_hooks = *default_hooks;
  huge_hooks.alloc = AllocHuge;
  extent_hooks_t* ours = &huge_hooks;
  return mallctl("arena.0.extent_hooks", nullptr, nullptr, &ours, sizeof ours) == 0;
}

// jemalloc's count of resident bytes (its stats are a snapshot refreshed by "epoch").
size_t Resident() {
  uint64_t epoch = 1;
  size_t size = sizeof epoch;
  mallctl("epoch", &epoch, &size, &epoch, size);
  size_t resident = 0;
  size = sizeof resident;
  return mallctl("stats.resident", &resident, &size, nullptr, 0) == 0 ? resident : 0;
}

}  // namespace

bool UseHugePages() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = Install(); });
  return installed;
}

void ReturnFreedPages() {
  const size_t before = Resident();
  if (mallctl("arena.0.purge", nullptr, nullptr, nullptr, 0) != 0) return;
  const size_t after = Resident();
  spdlog::debug("allocator: {} kB of freed pages returned to the kernel", before > after ? (before - after) / 1024 : 0);
}
#else
bool UseHugePages() { return false; }
void ReturnFreedPages() {}
#endif

}  // namespace idsync
