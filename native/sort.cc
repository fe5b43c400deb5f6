// Stable sort along one dimension. For float32 CPU tensors outside autograd, each row is sorted by an LSD radix sort
// on an order-preserving 32-bit key, with the index in the low half of a 64-bit word: as stable as libtorch's stable
// sort and several times faster on rows of a few hundred values (FAB's projection sorts one row per image and
// iteration). Every other case is libtorch's stable sort.
#include "sort.h"

#include <ATen/Parallel.h>
#include <ATen/WrapDimUtils.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace cfa {
namespace {

constexpr int64_t kSmallRow = 64;         // shorter rows: comparison sort of the packed words
constexpr int64_t kElementsPerTask = 1 << 15;  // elements per parallel task

// Unsigned key in the order of at::sort's comparator: −0 = +0, NaN above +inf; flipped for descending order.
inline uint32_t orderKey(float v, bool descending) {
  uint32_t u = 0xFFFFFFFFu;
  if (!std::isnan(v)) {
    if (v == 0.0f) v = 0.0f;
    std::memcpy(&u, &v, sizeof u);
    u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  }
  return descending ? ~u : u;
}

// Sorts words (key << 32 | index) by key, ties in index order; tmp has the same length.
void radixSort(std::vector<uint64_t>& words, std::vector<uint64_t>& tmp) {
  const size_t n = words.size();
  if (static_cast<int64_t>(n) <= kSmallRow) {
    std::sort(words.begin(), words.end());  // indices make every word distinct: the order is the stable one
    return;
  }
  // One pass counts all four key bytes; each byte then takes one scatter pass, skipped when every key shares it.
  size_t count[4][256] = {};
  for (size_t i = 0; i < n; i++)
    for (int b = 0; b < 4; b++) count[b][(words[i] >> (32 + 8 * b)) & 0xFF]++;
  uint64_t* src = words.data();
  uint64_t* dst = tmp.data();
  for (int b = 0; b < 4; b++) {
    const int shift = 32 + 8 * b;
    size_t* c = count[b];
    if (c[(src[0] >> shift) & 0xFF] == n) continue;
    size_t at = 0;
    for (int k = 0; k < 256; k++) {
      const size_t m = c[k];
      c[k] = at;
      at += m;
    }
    for (size_t i = 0; i < n; i++) dst[c[(src[i] >> shift) & 0xFF]++] = src[i];
    std::swap(src, dst);
  }
  if (src != words.data()) std::memcpy(words.data(), src, n * sizeof(uint64_t));
}

}  // namespace

std::tuple<at::Tensor, at::Tensor> sort(const at::Tensor& x, int64_t dim, bool descending) {
  const bool fast = x.device().is_cpu() && x.scalar_type() == at::kFloat && x.dim() > 0 && x.numel() > 0 &&
                    !(at::GradMode::is_enabled() && x.requires_grad());
  if (!fast) return at::sort(x, /*stable=*/true, dim, descending);
  dim = c10::maybe_wrap_dim(dim, x.dim());
  const int64_t n = x.size(dim);
  if (n >= (int64_t(1) << 32)) return at::sort(x, /*stable=*/true, dim, descending);
  const bool last = dim == x.dim() - 1;
  const at::Tensor rows = (last ? x : x.movedim(dim, -1)).contiguous();
  at::Tensor values = at::empty(rows.sizes(), rows.options());
  at::Tensor indices = at::empty(rows.sizes(), rows.options().dtype(at::kLong));
  const float* in = rows.data_ptr<float>();
  float* out = values.data_ptr<float>();
  int64_t* idx = indices.data_ptr<int64_t>();
  const int64_t count = rows.numel() / n;
  at::parallel_for(0, count, std::max<int64_t>(1, kElementsPerTask / n), [&](int64_t lo, int64_t hi) {
    std::vector<uint64_t> words(n), tmp(n);
    for (int64_t r = lo; r < hi; r++) {
      const float* row = in + r * n;
      for (int64_t i = 0; i < n; i++) words[i] = (uint64_t(orderKey(row[i], descending)) << 32) | uint64_t(i);
      radixSort(words, tmp);
      for (int64_t i = 0; i < n; i++) {
        const int64_t j = int64_t(words[i] & 0xFFFFFFFFu);
        out[r * n + i] = row[j];
        idx[r * n + i] = j;
      }
    }
  });
  if (last) return {values, indices};
  return {values.movedim(-1, dim).contiguous(), indices.movedim(-1, dim).contiguous()};
}

}  // namespace cfa
