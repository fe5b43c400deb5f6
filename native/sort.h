// Sorting along one dimension, stable, with a fast path for float32 CPU tensors (see sort.cc).
#pragma once
#include <ATen/ATen.h>

#include <tuple>

namespace cfa {

// at::sort's contract with stable = true: ties keep their index order, NaN sorts above +inf, −0 ties with +0.
std::tuple<at::Tensor, at::Tensor> sort(const at::Tensor& x, int64_t dim, bool descending);

}  // namespace cfa
