// 2-D convolution with a fast CPU input gradient for layers with few input channels (see conv2d.cc).
#pragma once
#include <ATen/ATen.h>

namespace cfa {

// at::conv2d's contract: same values, same gradients up to floating-point summation order.
at::Tensor conv2d(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b, at::IntArrayRef stride, at::IntArrayRef padding,
                  at::IntArrayRef dilation, int64_t groups);

}  // namespace cfa
