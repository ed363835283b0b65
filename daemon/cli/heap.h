// The heap of the commands that hold a whole platform in memory (plan, apply, explain,
// export, run): transparent huge pages, and freed pages handed back before the
// platforms are listed. The other commands keep the allocator's defaults (validate
// keeps its small footprint: huge pages round a 50 MB heap up by about 12 MB).
#pragma once

namespace idsync {

// From now on, the memory the allocator maps for its arena is advised as huge pages
// (madvise MADV_HUGEPAGE; the kernel's "madvise" and "always" modes honour it). With
// 4 KiB pages a no-op reconcile of 100,000 users spent a third of its CPU in page
// faults and TLB misses (BENCHMARKS.md, issue 17, fourth round). True when set up; false
// when the binary is not built with jemalloc (sanitizer builds) or jemalloc refused.
// Call once, before the data is loaded; later calls change nothing.
bool UseHugePages();

// Hands the pages of memory freed so far back to the kernel now, where the allocator
// would keep them for 10 s (jemalloc's dirty_decay_ms). Called once the manifest is
// loaded and resolved: reading it frees about 8 MB at 100,000 users (the file's text,
// the parser's nodes) that would otherwise still be resident when the listing, the
// managed records and the plan reach the run's peak (BENCHMARKS.md, issue 17, fifth
// round). A few milliseconds; does nothing without jemalloc.
void ReturnFreedPages();

}  // namespace idsync
