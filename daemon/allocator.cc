// The idsync binary's memory allocator: jemalloc, set up through the variable it reads
// at its first allocation (see CMakeLists.txt, IDSYNC_JEMALLOC, for why jemalloc).
//
//   narenas:1  one arena: idsync's threads (the HTTP engine, the daemon's workers)
//       allocate little each and hand buffers to each other; per-thread caches keep the
//       fast path lock-free, and one arena reuses one heap instead of touching several.
//       It is also the arena that cli/heap.cc puts on transparent huge pages for
//       the commands that hold whole platforms (jemalloc's own `thp:always` would do so
//       for every command, and add 12 MB to a 100,000-user `validate`).
//
// An operator can still tune it: MALLOC_CONF in the environment is read after this,
// and MALLOC_CONF=confirm_conf:true prints what was set.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "narenas:1";
}
