// A caching allocator for libtorch's CPU tensors. Blocks of 64 KiB and up are mapped from the OS once and kept,
// by exact page-rounded size, for the next tensor of that size: an attack or training loop allocates the same shapes
// every step, so after the first step no memory is faulted in again and glibc's heap never fragments between the
// large blocks and the small, garbage-collected objects of the JavaScript side. Small blocks go to posix_memalign.
// Every block starts with a 64-byte header saying which kind it is, so one deleter frees both (raw_deleter included).
#include "cpu_allocator.h"

#include <c10/core/Allocator.h>
#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace cfa {
namespace {

constexpr size_t kHeader = 64;  // keeps data 64-byte aligned, as libtorch expects
constexpr size_t kLarge = size_t(64) << 10;
constexpr size_t kPage = 4096;
constexpr uint64_t kSmall = 0x736d616c6c000000ULL;
constexpr uint64_t kCached = 0x6361636865000000ULL;

struct Header {
  uint64_t kind;
  uint64_t bytes;  // whole mapping, header included (large blocks)
};

struct Cache {
  std::mutex m;
  std::unordered_map<size_t, std::vector<void*>> free;  // mapping size → unused mappings
  size_t cachedBytes = 0;
  size_t liveBytes = 0;
  size_t limit = 0;
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: tensors may be freed during static destruction
  return *c;
}

void releaseAllLocked(Cache& c) {
  for (auto& [bytes, blocks] : c.free)
    for (void* b : blocks) munmap(b, bytes);
  c.free.clear();
  c.cachedBytes = 0;
}

void freeBlock(void* data) {
  if (!data) return;
  auto* base = static_cast<char*>(data) - kHeader;
  auto* h = reinterpret_cast<Header*>(base);
  if (h->kind == kSmall) {
    std::free(base);
    return;
  }
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.m);
  c.liveBytes -= h->bytes;
  if (c.cachedBytes + h->bytes > c.limit) {
    munmap(base, h->bytes);
    return;
  }
  c.free[h->bytes].push_back(base);
  c.cachedBytes += h->bytes;
}

void* mapBlock(size_t bytes) { return mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }

void* allocBlock(size_t n) {
  if (n + kHeader < kLarge) {
    void* p = nullptr;
    if (posix_memalign(&p, kHeader, n + kHeader) != 0) throw std::bad_alloc();
    reinterpret_cast<Header*>(p)->kind = kSmall;
    return static_cast<char*>(p) + kHeader;
  }
  const size_t bytes = (n + kHeader + kPage - 1) / kPage * kPage;
  Cache& c = cache();
  void* base = nullptr;
  {
    std::lock_guard<std::mutex> lock(c.m);
    auto it = c.free.find(bytes);
    if (it != c.free.end() && !it->second.empty()) {
      base = it->second.back();
      it->second.pop_back();
      c.cachedBytes -= bytes;
    }
    c.liveBytes += bytes;
  }
  if (!base) {
    base = mapBlock(bytes);
    if (base == MAP_FAILED) {
      // Out of address space or memory: give the cache back and try once more.
      std::lock_guard<std::mutex> lock(c.m);
      releaseAllLocked(c);
      base = mapBlock(bytes);
      if (base == MAP_FAILED) {
        c.liveBytes -= bytes;
        throw std::bad_alloc();
      }
    }
  }
  auto* h = static_cast<Header*>(base);
  h->kind = kCached;
  h->bytes = bytes;
  return static_cast<char*>(base) + kHeader;
}

struct CachingCpuAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    if (n == 0) return {nullptr, nullptr, &freeBlock, c10::Device(c10::DeviceType::CPU)};
    void* data = allocBlock(n);
    return {data, data, &freeBlock, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &freeBlock; }
};

}  // namespace

void installCachingCpuAllocator(size_t limitBytes) {
  static CachingCpuAllocator allocator;
  cache().limit = limitBytes;
  c10::SetAllocator(c10::DeviceType::CPU, &allocator, /*priority=*/1);
}

CpuCacheStats cpuCacheStats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.m);
  size_t blocks = 0;
  for (auto& [bytes, list] : c.free) blocks += list.size();
  return {c.liveBytes, c.cachedBytes, blocks};
}

void emptyCpuCache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.m);
  releaseAllLocked(c);
}

}  // namespace cfa
