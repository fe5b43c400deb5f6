// 2-D convolution. On the CPU, a layer with at most 27 input taps (input channels × kernel area: a network's first
// layer on 1- or 3-channel images) gets its input gradient as a matrix product per block of images followed by col2im,
// instead of oneDNN's backward-data kernel, which is several times slower for such layers. Forward values and weight
// gradients are libtorch's.
#include "conv2d.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>

namespace cfa {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr int64_t kMaxTaps = 27;             // input channels × kernel height × kernel width (3 channels of 3×3)
constexpr int64_t kBlockElements = 1 << 16;  // a block's columns (256 KiB of float32) stay in the core's cache

// Adds cols [taps, images, ho, wo] into dx [images, cin, h, w] (contiguous): the adjoint of im2col.
template <typename T>
void col2im(const T* cols, T* dx, int64_t images, int64_t cin, int64_t h, int64_t w, int64_t kh, int64_t kw,
            int64_t ho, int64_t wo, const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
            const std::vector<int64_t>& dilation) {
  const int64_t sh = stride[0], sw = stride[1];
  for (int64_t c = 0; c < cin; c++)
    for (int64_t i = 0; i < kh; i++)
      for (int64_t j = 0; j < kw; j++) {
        const T* tap = cols + ((c * kh + i) * kw + j) * images * ho * wo;
        const int64_t dx0 = j * dilation[1] - padding[1];  // column of dx for output column 0
        const int64_t qlo = dx0 >= 0 ? 0 : (-dx0 + sw - 1) / sw;
        const int64_t qhi = w - 1 - dx0 >= 0 ? std::min(wo, (w - 1 - dx0) / sw + 1) : 0;
        for (int64_t b = 0; b < images; b++)
          for (int64_t p = 0; p < ho; p++) {
            const int64_t y = p * sh - padding[0] + i * dilation[0];
            if (y < 0 || y >= h) continue;
            T* dst = dx + ((b * cin + c) * h + y) * w + dx0;
            const T* src = tap + (b * ho + p) * wo;
            if (sw == 1)
              for (int64_t q = qlo; q < qhi; q++) dst[q] += src[q];
            else
              for (int64_t q = qlo; q < qhi; q++) dst[q * sw] += src[q];
          }
      }
}

// ∂L/∂x of y = conv2d(x, w) from go = ∂L/∂y: per block of images, columns = wᵀ·go, then col2im. Returns NCHW.
at::Tensor inputGrad(const at::Tensor& goIn, const at::Tensor& wIn, at::IntArrayRef inputSize, const std::vector<int64_t>& stride,
                     const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation) {
  const at::Tensor go = goIn.detach();
  const int64_t n = go.size(0), cout = go.size(1), ho = go.size(2), wo = go.size(3);
  const int64_t cin = wIn.size(1), kh = wIn.size(2), kw = wIn.size(3), taps = cin * kh * kw, plane = ho * wo;
  const int64_t h = inputSize[2], w = inputSize[3];
  const at::Tensor wt = wIn.detach().reshape({cout, taps}).t();  // [taps, cout]
  at::Tensor dx = at::zeros({n, cin, h, w}, go.options().memory_format(at::MemoryFormat::Contiguous));
  // Channels-last go makes a block of images one [cout, images·plane] matrix; otherwise each image is one.
  const int64_t block = go.is_contiguous(at::MemoryFormat::ChannelsLast) ? std::max<int64_t>(1, std::min(n, kBlockElements / (taps * plane))) : 1;
  const int64_t blocks = (n + block - 1) / block;
  AT_DISPATCH_FLOATING_TYPES(go.scalar_type(), "conv2d input gradient", [&] {
    at::parallel_for(0, blocks, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        const int64_t first = b * block, images = std::min(block, n - first);
        const at::Tensor g = go.narrow(0, first, images).transpose(0, 1).reshape({cout, images * plane});
        const at::Tensor cols = at::mm(wt, g).contiguous();
        col2im<scalar_t>(cols.data_ptr<scalar_t>(), dx.data_ptr<scalar_t>() + first * cin * h * w, images, cin, h, w, kh, kw, ho, wo,
                         stride, padding, dilation);
      }
    });
  });
  return dx;
}

struct FewChannelConv2d : torch::autograd::Function<FewChannelConv2d> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b,
                            std::vector<int64_t> stride, std::vector<int64_t> padding, std::vector<int64_t> dilation) {
    ctx->save_for_backward({x, w});
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    ctx->saved_data["bias"] = b.has_value() && b->defined();
    return at::conv2d(x, w, b, stride, padding, dilation, 1);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &w = saved[1], &go = grads[0];
    const auto stride = ctx->saved_data["stride"].toIntVector();
    const auto padding = ctx->saved_data["padding"].toIntVector();
    const auto dilation = ctx->saved_data["dilation"].toIntVector();
    const bool hasBias = ctx->saved_data["bias"].toBool();
    const bool needX = ctx->needs_input_grad(0), needW = ctx->needs_input_grad(1), needB = hasBias && ctx->needs_input_grad(2);
    // With create_graph, libtorch's convolution_backward (itself differentiable) gives every gradient.
    const bool createGraph = at::GradMode::is_enabled();
    const std::vector<int64_t> biasShape{w.size(0)};
    const auto biasSizes = hasBias ? c10::optional<at::IntArrayRef>(biasShape) : c10::nullopt;
    at::Tensor gx, gw, gb;
    if (createGraph || needW || needB)
      std::tie(gx, gw, gb) = at::convolution_backward(go, x, w, biasSizes, stride, padding, dilation, false, {0, 0}, 1,
                                                      {createGraph && needX, needW, needB});
    if (needX && !createGraph) gx = inputGrad(go, w, x.sizes(), stride, padding, dilation);
    return {gx, gw, gb, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor conv2d(const at::Tensor& x, const at::Tensor& w, const c10::optional<at::Tensor>& b, at::IntArrayRef stride, at::IntArrayRef padding,
                  at::IntArrayRef dilation, int64_t groups) {
  const bool fewChannels = x.dim() == 4 && w.dim() == 4 && groups == 1 && w.size(1) * w.size(2) * w.size(3) <= kMaxTaps;
  const bool cpuFloat = x.device().is_cpu() && (x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble);
  if (fewChannels && cpuFloat && x.requires_grad() && at::GradMode::is_enabled())
    return FewChannelConv2d::apply(x, w, b, stride.vec(), padding.vec(), dilation.vec());
  return at::conv2d(x, w, b, stride, padding, dilation, groups);
}

}  // namespace cfa
