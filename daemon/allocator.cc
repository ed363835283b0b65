// The idsync binary's memory allocator: jemalloc, set up through the variable it reads
// at its first allocation (see CMakeLists.txt, IDSYNC_JEMALLOC, for why jemalloc).
//
//   thp:always, metadata_thp:always  back the heap with transparent huge pages (the
//       kernel's "madvise" mode suffices): a reconcile of 100,000 users builds about
//       300,000 map nodes and a million strings, and with 4 KiB pages a third of its
//       CPU went to page faults and TLB misses (BENCHMARKS.md, issue 17, fourth round).
//   narenas:1  one arena: idsync's threads (the HTTP engine, the daemon's workers)
//       allocate little each and hand buffers to each other; per-thread caches keep the
//       fast path lock-free, and one arena reuses one heap instead of touching several.
//
// An operator can still tune it: MALLOC_CONF in the environment is read after this
// (e.g. MALLOC_CONF=thp:default), and MALLOC_CONF=confirm_conf:true prints what was set.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:always,narenas:1";
}
