// The addon's CPU allocator for libtorch tensors: large blocks are cached for reuse (see cpu_allocator.cc).
#pragma once
#include <cstddef>

namespace cfa {

struct CpuCacheStats {
  size_t liveBytes;    // large blocks held by tensors
  size_t cachedBytes;  // large blocks kept for reuse
  size_t cachedBlocks;
};

// Makes libtorch allocate CPU tensors through the cache, which keeps at most limitBytes of unused blocks.
void installCachingCpuAllocator(size_t limitBytes);
CpuCacheStats cpuCacheStats();
// Returns every unused cached block to the OS.
void emptyCpuCache();

}  // namespace cfa
