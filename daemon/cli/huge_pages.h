// Transparent huge pages for the heap of the commands that hold a whole platform in
// memory (plan, apply, explain, export, run), and not for the others (validate keeps
// its small footprint: huge pages round a 50 MB heap up by about 12 MB).
#pragma once

namespace idsync {

// From now on, the memory the allocator maps for its arena is advised as huge pages
// (madvise MADV_HUGEPAGE; the kernel's "madvise" and "always" modes honour it). With
// 4 KiB pages a no-op reconcile of 100,000 users spent a third of its CPU in page
// faults and TLB misses (BENCHMARKS.md, issue 17, fourth round). True when set up; false
// when the binary is not built with jemalloc (sanitizer builds) or jemalloc refused.
// Call once, before the data is loaded; later calls change nothing.
bool UseHugePages();

}  // namespace idsync
