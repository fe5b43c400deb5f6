// cfa native engine: a thin, regular N-API binding to libtorch.
// Tensors cross into JavaScript as tagged externals; every op is one row of the table kOps below, decoded by the
// uniform argument reader `A`. Algorithms live in TypeScript; this file holds tensors, ops, autograd, devices, threads,
// and the rows of the process-group functions of collectives.cc.
#include <napi.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "collectives.h"
#include "conv2d.h"
#include "cpu_allocator.h"
#include "sort.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace {

// Tensors live in a table of slots and JavaScript holds a plain number, generation · 2^32 + slot index, so releasing a
// tensor frees everything native at once (nothing waits for garbage collection, no object is allocated per tensor),
// and a stale handle is recognised by its generation. Each thread (each Node environment) has its own table.
struct Slot {
  at::Tensor t;
  int64_t bytes = 0;  // host bytes reported to V8 as external memory (0 while the tensor belongs to a scope)
  uint32_t gen = 1;
  uint32_t index = 0;
};

struct Table {
  std::deque<Slot> slots;  // a deque: references stay valid while new slots are added
  std::vector<uint32_t> free;
  int64_t live = 0;     // tensors created and not yet released
  bool scoped = false;  // a tidy() scope is open: new tensors will be freed by it, so V8 is not told about them
};

thread_local Table gTable;

constexpr uint32_t kGenerations = 1u << 20;  // keeps handles below 2^52, exact in a double

double encodeHandle(const Slot& s) { return static_cast<double>((static_cast<uint64_t>(s.gen) << 32) | s.index); }

bool isHandle(const Napi::Value& v) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  return d >= 4294967296.0 && d < 4503599627370496.0 && d == std::floor(d);
}

// The live slot a handle names, or nullptr when it was released; `what` and `k` name a value that is not a handle.
Slot* lookup(const Napi::Value& v, const char* what, size_t k) {
  if (!isHandle(v)) throw std::invalid_argument(std::string(what) + " " + std::to_string(k) + " is not a tensor");
  const auto h = static_cast<uint64_t>(v.As<Napi::Number>().DoubleValue());
  const auto index = static_cast<uint32_t>(h & 0xffffffffu);
  if (index >= gTable.slots.size()) return nullptr;
  Slot& s = gTable.slots[index];
  return (s.gen == static_cast<uint32_t>(h >> 32) && s.t.defined()) ? &s : nullptr;
}

const at::Tensor& liveTensor(const Slot* s) {
  if (!s) throw std::invalid_argument("tensor used after dispose()");
  return s->t;
}

int64_t hostBytes(const at::Tensor& t) {
  return (t.defined() && t.device().is_cpu()) ? static_cast<int64_t>(t.numel() * t.element_size()) : 0;
}

void release(Napi::Env env, Slot* s) {
  if (!s) return;
  s->t.reset();
  gTable.live--;
  if (s->bytes) Napi::MemoryManagement::AdjustExternalMemory(env, -s->bytes);
  s->bytes = 0;
  s->gen = s->gen + 1 < kGenerations ? s->gen + 1 : 1;
  gTable.free.push_back(s->index);
}

// Reports a tensor's host memory to V8 so that garbage collection (and then the FinalizationRegistry) can reclaim a
// tensor nobody disposes. Tensors inside a scope are skipped: the scope frees them, and counting their short-lived
// bytes would make V8 run a full collection several times per training step.
void reportExternal(Napi::Env env, Slot* s) {
  if (!s || s->bytes) return;
  s->bytes = hostBytes(s->t);
  if (s->bytes) Napi::MemoryManagement::AdjustExternalMemory(env, s->bytes);
}

// Nothing native watches the handle: the TypeScript Tensor registers a FinalizationRegistry entry as the safety net.
Napi::Value wrap(Napi::Env env, at::Tensor t) {
  if (!t.defined()) return env.Undefined();
  Slot* s;
  if (!gTable.free.empty()) {
    s = &gTable.slots[gTable.free.back()];
    gTable.free.pop_back();
  } else {
    if (gTable.slots.size() >= 0xffffffffu) throw std::runtime_error("too many live tensors");
    gTable.slots.emplace_back();
    s = &gTable.slots.back();
    s->index = static_cast<uint32_t>(gTable.slots.size() - 1);
  }
  s->t = std::move(t);
  gTable.live++;
  if (!gTable.scoped) reportExternal(env, s);
  return Napi::Number::New(env, encodeHandle(*s));
}

at::ScalarType parseDtype(const std::string& s) {
  if (s == "float32") return at::kFloat;
  if (s == "float64") return at::kDouble;
  if (s == "int64") return at::kLong;
  if (s == "int32") return at::kInt;
  if (s == "uint8") return at::kByte;
  if (s == "bool") return at::kBool;
  if (s == "float16") return at::kHalf;
  if (s == "bfloat16") return at::kBFloat16;
  throw std::invalid_argument("unknown dtype '" + s + "' (expected float32, float64, int64, int32, uint8, bool)");
}

const char* dtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    default: return "other";
  }
}

int64_t parseReduction(const std::string& s) {
  if (s == "none") return at::Reduction::None;
  if (s == "mean") return at::Reduction::Mean;
  if (s == "sum") return at::Reduction::Sum;
  throw std::invalid_argument("unknown reduction '" + s + "' (expected none, mean, sum)");
}

// Uniform argument reader: one accessor per argument kind.
struct A {
  const Napi::CallbackInfo& info;
  Napi::Env env;
  explicit A(const Napi::CallbackInfo& i) : info(i), env(i.Env()) {}

  Napi::Value at_(size_t i) const { return info[i]; }
  bool none(size_t i) const { return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull(); }

  // The slot of tensor argument i, or nullptr when that tensor was released.
  Slot* slot(size_t i) const { return lookup(info[i], "argument", i); }
  const at::Tensor& T(size_t i) const { return liveTensor(slot(i)); }
  c10::optional<at::Tensor> OT(size_t i) const { return none(i) ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(T(i)); }
  at::Tensor UT(size_t i) const { return none(i) ? at::Tensor() : T(i); }
  double D(size_t i) const { return info[i].As<Napi::Number>().DoubleValue(); }
  int64_t I(size_t i) const { return info[i].As<Napi::Number>().Int64Value(); }
  c10::optional<int64_t> OI(size_t i) const { return none(i) ? c10::optional<int64_t>() : c10::optional<int64_t>(I(i)); }
  bool B(size_t i) const { return !none(i) && info[i].ToBoolean().Value(); }
  std::string S(size_t i) const { return info[i].As<Napi::String>().Utf8Value(); }
  at::Scalar N(size_t i) const {
    Napi::Value v = info[i];
    if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0) return at::Scalar(static_cast<int64_t>(d));
    return at::Scalar(d);
  }
  c10::optional<at::Scalar> ON(size_t i) const { return none(i) ? c10::optional<at::Scalar>() : c10::optional<at::Scalar>(N(i)); }
  std::vector<int64_t> L(size_t i) const {
    Napi::Value v = info[i];
    if (v.IsNumber()) return {v.As<Napi::Number>().Int64Value()};
    Napi::Array arr = v.As<Napi::Array>();
    std::vector<int64_t> out(arr.Length());
    for (uint32_t k = 0; k < arr.Length(); k++) out[k] = arr.Get(k).As<Napi::Number>().Int64Value();
    return out;
  }
  c10::optional<std::vector<int64_t>> OL(size_t i) const { return none(i) ? c10::optional<std::vector<int64_t>>() : L(i); }
  std::vector<at::Tensor> TL(size_t i) const {
    Napi::Array arr = info[i].As<Napi::Array>();
    std::vector<at::Tensor> out;
    out.reserve(arr.Length());
    for (uint32_t k = 0; k < arr.Length(); k++) {
      Napi::Value v = arr.Get(k);
      if (v.IsUndefined() || v.IsNull()) { out.emplace_back(); continue; }
      out.push_back(liveTensor(lookup(v, "list element", k)));
    }
    return out;
  }
  c10::List<c10::optional<at::Tensor>> IL(size_t i) const {
    c10::List<c10::optional<at::Tensor>> list;
    for (auto& t : TL(i)) list.push_back(t.defined() ? c10::optional<at::Tensor>(t) : c10::optional<at::Tensor>());
    return list;
  }
  at::ScalarType dtype(size_t i, at::ScalarType dflt = at::kFloat) const { return none(i) ? dflt : parseDtype(S(i)); }
  c10::optional<at::ScalarType> Odtype(size_t i) const { return none(i) ? c10::optional<at::ScalarType>() : parseDtype(S(i)); }
  at::Device device(size_t i) const { return none(i) ? at::Device(at::kCPU) : at::Device(S(i)); }
  at::TensorOptions opts(size_t dt, size_t dev) const { return at::TensorOptions().dtype(dtype(dt)).device(device(dev)); }

  Napi::Value R(at::Tensor t) const { return wrap(env, std::move(t)); }
  Napi::Value R(std::tuple<at::Tensor, at::Tensor> p) const {
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, wrap(env, std::get<0>(p)));
    a.Set(1u, wrap(env, std::get<1>(p)));
    return a;
  }
  Napi::Value R(const std::vector<at::Tensor>& v) const {
    Napi::Array a = Napi::Array::New(env, v.size());
    for (size_t k = 0; k < v.size(); k++) a.Set(static_cast<uint32_t>(k), wrap(env, v[k]));
    return a;
  }
  Napi::Value Num(double d) const { return Napi::Number::New(env, d); }
  Napi::Value Bool(bool b) const { return Napi::Boolean::New(env, b); }
  Napi::Value Str(const std::string& s) const { return Napi::String::New(env, s); }
  Napi::Value Undef() const { return env.Undefined(); }
};

// Typed array (also over a SharedArrayBuffer), DataView or ArrayBuffer → (pointer, bytes).
size_t elementSize(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

std::pair<const uint8_t*, size_t> bytesOf(Napi::Value v) {
  napi_env env = v.Env();
  if (v.IsTypedArray()) {
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_value ab;
    NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset), std::make_pair(nullptr, size_t(0)));
    return {static_cast<const uint8_t*>(data), length * elementSize(type)};
  }
  if (v.IsDataView()) {
    auto dv = v.As<Napi::DataView>();
    return {static_cast<const uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset(), dv.ByteLength()};
  }
  if (v.IsArrayBuffer()) {
    auto ab = v.As<Napi::ArrayBuffer>();
    return {static_cast<const uint8_t*>(ab.Data()), ab.ByteLength()};
  }
  throw std::invalid_argument("expected a typed array or ArrayBuffer");
}

at::Tensor fromBytes(const A& a) {
  auto [ptr, len] = bytesOf(a.at_(0));
  auto shape = a.L(1);
  auto t = at::empty(shape, at::TensorOptions().dtype(a.dtype(2)));
  const size_t need = static_cast<size_t>(t.numel()) * t.element_size();
  if (need != len)
    throw std::invalid_argument("buffer holds " + std::to_string(len) + " bytes, shape and dtype need " + std::to_string(need));
  if (len) std::memcpy(t.data_ptr(), ptr, len);
  return a.none(3) ? t : t.to(a.device(3));
}

Napi::Value toBytes(const A& a) {
  at::Tensor t = a.T(0).detach().to(at::kCPU).contiguous();
  const size_t n = static_cast<size_t>(t.numel()) * t.element_size();
  auto ab = Napi::ArrayBuffer::New(a.env, n);
  if (n) std::memcpy(ab.Data(), t.data_ptr(), n);
  return ab;
}

Napi::Value shapeOf(const A& a) {
  auto sizes = a.T(0).sizes();
  Napi::Array arr = Napi::Array::New(a.env, sizes.size());
  for (size_t k = 0; k < sizes.size(); k++) arr.Set(static_cast<uint32_t>(k), Napi::Number::New(a.env, static_cast<double>(sizes[k])));
  return arr;
}

// NHWC strides for a 4-d tensor, forced even where a size-1 dimension makes the NCHW strides count as channels-last
// contiguous too (C = 1 images, 1-channel conv weights): convolution picks its layout from the strides.
at::Tensor channelsLast(const at::Tensor& t) {
  if (t.dim() != 4 || t.suggest_memory_format() == at::MemoryFormat::ChannelsLast) return t;
  return t.clone(at::MemoryFormat::ChannelsLast);
}

at::Tensor padOp(const A& a) {
  const at::Tensor& x = a.T(0);
  auto pads = a.L(1);
  std::string mode = a.S(2);
  if (mode == "constant") return at::constant_pad_nd(x, pads, a.none(3) ? at::Scalar(0) : a.N(3));
  const size_t d = pads.size() / 2;
  if (mode == "reflect") {
    if (d == 1) return at::reflection_pad1d(x, pads);
    if (d == 2) return at::reflection_pad2d(x, pads);
    if (d == 3) return at::reflection_pad3d(x, pads);
  }
  if (mode == "replicate") {
    if (d == 1) return at::replication_pad1d(x, pads);
    if (d == 2) return at::replication_pad2d(x, pads);
    if (d == 3) return at::replication_pad3d(x, pads);
  }
  throw std::invalid_argument("pad: unsupported mode '" + mode + "' for " + std::to_string(pads.size()) + " pad values");
}

Napi::Value gradOp(const A& a) {
  auto outs = a.TL(0);
  auto ins = a.TL(1);
  std::vector<at::Tensor> gouts = a.none(2) ? std::vector<at::Tensor>() : a.TL(2);
  auto res = torch::autograd::grad(outs, ins, gouts, a.none(3) ? c10::optional<bool>() : c10::optional<bool>(a.B(3)), a.B(4), a.B(5));
  return a.R(res);
}

Napi::Value backwardOp(const A& a) {
  std::vector<at::Tensor> gouts;
  if (!a.none(1)) gouts.push_back(a.T(1));
  torch::autograd::backward({a.T(0)}, gouts, a.none(2) ? c10::optional<bool>() : c10::optional<bool>(a.B(2)), a.B(3));
  return a.Undef();
}

// The default generator of a device (argument i; CPU when absent). CUDA generators are reached through libtorch's
// hooks, so this builds without CUDA headers.
at::Generator defaultGenerator(const A& a, size_t i) {
  return a.none(i) ? at::detail::getDefaultCPUGenerator() : at::globalContext().defaultGenerator(a.device(i));
}
at::Tensor rngState(const A& a) {
  auto gen = defaultGenerator(a, 0);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
Napi::Value setRngState(const A& a) {
  auto gen = defaultGenerator(a, 1);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(a.T(0));
  return a.Undef();
}

using Fn = Napi::Value (*)(const A&);
struct Op { const char* name; Fn fn; };

#define OP(name, ...) Op{#name, [](const A& a) -> Napi::Value { __VA_ARGS__ }},
#define RT(expr) return a.R(expr);

// clang-format off
const Op kOps[] = {
  // ---- lifetime and introspection
  OP(dispose, release(a.env, a.slot(0)); return a.Undef();)
  OP(isDisposed, return a.Bool(a.slot(0) == nullptr);)
  OP(liveTensors, return a.Num(static_cast<double>(gTable.live));)
  OP(setScoped, gTable.scoped = a.B(0); return a.Undef();)
  OP(cpuCacheStats, {
    auto s = cfa::cpuCacheStats();
    Napi::Object o = Napi::Object::New(a.env);
    o.Set("liveBytes", static_cast<double>(s.liveBytes));
    o.Set("cachedBytes", static_cast<double>(s.cachedBytes));
    o.Set("cachedBlocks", static_cast<double>(s.cachedBlocks));
    return o;
  })
  OP(emptyCpuCache, cfa::emptyCpuCache(); return a.Undef();)
  OP(escaped, reportExternal(a.env, a.slot(0)); return a.Undef();)
  OP(shape, return shapeOf(a);)
  OP(dtype, return a.Str(dtypeName(a.T(0).scalar_type()));)
  OP(device, return a.Str(a.T(0).device().str());)
  OP(numel, return a.Num(static_cast<double>(a.T(0).numel()));)
  OP(requiresGrad, return a.Bool(a.T(0).requires_grad());)
  OP(item, return a.Num(a.T(0).item().toDouble());)
  OP(toBuffer, return toBytes(a);)
  OP(fromBuffer, RT(fromBytes(a)))
  // ---- creation
  OP(empty, RT(at::empty(a.L(0), a.opts(1, 2))))
  OP(zeros, RT(at::zeros(a.L(0), a.opts(1, 2))))
  OP(ones, RT(at::ones(a.L(0), a.opts(1, 2))))
  OP(full, RT(at::full(a.L(0), a.N(1), a.opts(2, 3))))
  OP(arange, RT(at::arange(a.N(0), a.N(1), a.N(2), a.opts(3, 4))))
  OP(eye, RT(at::eye(a.I(0), a.opts(1, 2))))
  OP(zerosLike, RT(at::zeros_like(a.T(0))))
  OP(onesLike, RT(at::ones_like(a.T(0))))
  OP(fullLike, RT(at::full_like(a.T(0), a.N(1))))
  // ---- random (default generator; manualSeed makes CPU runs reproducible)
  OP(manualSeed, at::manual_seed(static_cast<uint64_t>(a.I(0))); return a.Undef();)
  OP(rngState, RT(rngState(a)))
  OP(setRngState, return setRngState(a);)
  OP(rand, RT(at::rand(a.L(0), a.opts(1, 2))))
  OP(randn, RT(at::randn(a.L(0), a.opts(1, 2))))
  OP(randLike, RT(at::rand_like(a.T(0))))
  OP(randnLike, RT(at::randn_like(a.T(0))))
  OP(randint, RT(at::randint(a.I(0), a.I(1), a.L(2), at::TensorOptions().dtype(at::kLong).device(a.device(3)))))
  OP(randperm, RT(at::randperm(a.I(0), at::TensorOptions().dtype(at::kLong).device(a.device(1)))))
  OP(bernoulli, RT(at::bernoulli(a.T(0))))
  OP(uniform_, a.T(0).uniform_(a.D(1), a.D(2)); return a.Undef();)
  OP(normal_, a.T(0).normal_(a.D(1), a.D(2)); return a.Undef();)
  // ---- conversion and autograd state
  OP(to, { at::Tensor t = a.T(0); if (!a.none(1)) t = t.to(a.device(1)); if (!a.none(2)) t = t.to(a.dtype(2)); RT(t) })
  OP(contiguous, RT(a.T(0).contiguous()))
  OP(channelsLast, RT(channelsLast(a.T(0))))
  OP(isChannelsLast, return a.Bool(a.T(0).dim() == 4 && a.T(0).suggest_memory_format() == at::MemoryFormat::ChannelsLast);)
  OP(clone, RT(a.T(0).clone()))
  OP(detach, RT(a.T(0).detach()))
  OP(setRequiresGrad, a.T(0).requires_grad_(a.B(1)); return a.Undef();)
  OP(grad, RT(a.T(0).grad()))
  OP(setGrad, { at::Tensor t = a.T(0); t.mutable_grad() = a.UT(1); return a.Undef(); })
  OP(backward, return backwardOp(a);)
  OP(autogradGrad, return gradOp(a);)
  OP(setGradEnabled, { bool prev = c10::GradMode::is_enabled(); c10::GradMode::set_enabled(a.B(0)); return a.Bool(prev); })
  OP(isGradEnabled, return a.Bool(c10::GradMode::is_enabled());)
  // ---- elementwise, tensor ⊕ tensor
  OP(add, RT(at::add(a.T(0), a.T(1), a.none(2) ? at::Scalar(1) : a.N(2))))
  OP(sub, RT(at::sub(a.T(0), a.T(1), a.none(2) ? at::Scalar(1) : a.N(2))))
  OP(mul, RT(at::mul(a.T(0), a.T(1))))
  OP(div, RT(at::div(a.T(0), a.T(1))))
  OP(pow, RT(at::pow(a.T(0), a.T(1))))
  OP(minimum, RT(at::minimum(a.T(0), a.T(1))))
  OP(maximum, RT(at::maximum(a.T(0), a.T(1))))
  OP(eq, RT(at::eq(a.T(0), a.T(1))))
  OP(ne, RT(at::ne(a.T(0), a.T(1))))
  OP(lt, RT(at::lt(a.T(0), a.T(1))))
  OP(le, RT(at::le(a.T(0), a.T(1))))
  OP(gt, RT(at::gt(a.T(0), a.T(1))))
  OP(ge, RT(at::ge(a.T(0), a.T(1))))
  OP(logicalAnd, RT(at::logical_and(a.T(0), a.T(1))))
  OP(logicalOr, RT(at::logical_or(a.T(0), a.T(1))))
  OP(where, RT(at::where(a.T(0), a.T(1), a.T(2))))
  // ---- elementwise, tensor ⊕ scalar
  OP(addScalar, RT(at::add(a.T(0), a.N(1))))
  OP(mulScalar, RT(at::mul(a.T(0), a.N(1))))
  OP(divScalar, RT(at::div(a.T(0), a.N(1))))
  OP(rsubScalar, RT(at::rsub(a.T(0), a.N(1))))
  OP(powScalar, RT(at::pow(a.T(0), a.N(1))))
  OP(eqScalar, RT(at::eq(a.T(0), a.N(1))))
  OP(neScalar, RT(at::ne(a.T(0), a.N(1))))
  OP(ltScalar, RT(at::lt(a.T(0), a.N(1))))
  OP(leScalar, RT(at::le(a.T(0), a.N(1))))
  OP(gtScalar, RT(at::gt(a.T(0), a.N(1))))
  OP(geScalar, RT(at::ge(a.T(0), a.N(1))))
  OP(clamp, RT(at::clamp(a.T(0), a.ON(1), a.ON(2))))
  OP(clampTensor, RT(at::clamp(a.T(0), a.OT(1), a.OT(2))))
  // ---- elementwise, unary
  OP(neg, RT(at::neg(a.T(0))))
  OP(sign, RT(at::sign(a.T(0))))
  OP(abs, RT(at::abs(a.T(0))))
  OP(exp, RT(at::exp(a.T(0))))
  OP(log, RT(at::log(a.T(0))))
  OP(log1p, RT(at::log1p(a.T(0))))
  OP(sqrt, RT(at::sqrt(a.T(0))))
  OP(square, RT(at::square(a.T(0))))
  OP(reciprocal, RT(at::reciprocal(a.T(0))))
  OP(floor, RT(at::floor(a.T(0))))
  OP(round, RT(at::round(a.T(0))))
  OP(relu, RT(at::relu(a.T(0))))
  OP(sigmoid, RT(at::sigmoid(a.T(0))))
  OP(tanh, RT(at::tanh(a.T(0))))
  OP(erf, RT(at::erf(a.T(0))))
  OP(logicalNot, RT(at::logical_not(a.T(0))))
  OP(isfinite, RT(at::isfinite(a.T(0))))
  OP(isnan, RT(at::isnan(a.T(0))))
  // ---- reductions
  OP(sum, RT(a.none(1) ? at::sum(a.T(0), a.Odtype(3)) : at::sum(a.T(0), a.L(1), a.B(2), a.Odtype(3))))
  OP(mean, RT(a.none(1) ? at::mean(a.T(0)) : at::mean(a.T(0), a.L(1), a.B(2))))
  OP(amax, RT(at::amax(a.T(0), a.none(1) ? std::vector<int64_t>() : a.L(1), a.B(2))))
  OP(amin, RT(at::amin(a.T(0), a.none(1) ? std::vector<int64_t>() : a.L(1), a.B(2))))
  OP(maxDim, RT(at::max(a.T(0), a.I(1), a.B(2))))
  OP(minDim, RT(at::min(a.T(0), a.I(1), a.B(2))))
  OP(argmax, RT(at::argmax(a.T(0), a.OI(1), a.B(2))))
  OP(argmin, RT(at::argmin(a.T(0), a.OI(1), a.B(2))))
  OP(all, RT(a.none(1) ? at::all(a.T(0)) : at::all(a.T(0), a.I(1), a.B(2))))
  OP(any, RT(a.none(1) ? at::any(a.T(0)) : at::any(a.T(0), a.I(1), a.B(2))))
  OP(norm, RT(at::linalg_vector_norm(a.T(0), a.N(1), a.OL(2).has_value() ? c10::optional<at::IntArrayRef>(*a.OL(2)) : c10::nullopt, a.B(3), c10::nullopt)))
  OP(logsumexp, RT(at::logsumexp(a.T(0), a.L(1), a.B(2))))
  OP(var, RT(at::var(a.T(0), a.L(1), a.B(2), a.B(3))))
  OP(cumsum, RT(at::cumsum(a.T(0), a.I(1))))
  OP(sort, RT(cfa::sort(a.T(0), a.I(1), a.B(2))))
  OP(topk, RT(at::topk(a.T(0), a.I(1), a.I(2), a.B(3), true)))
  // ---- shape and indexing
  OP(reshape, RT(at::reshape(a.T(0), a.L(1))))
  OP(view, RT(a.T(0).view(a.L(1))))
  OP(permute, RT(a.T(0).permute(a.L(1))))
  OP(transpose, RT(at::transpose(a.T(0), a.I(1), a.I(2))))
  OP(flatten, RT(at::flatten(a.T(0), a.I(1), a.I(2))))
  OP(squeeze, RT(a.none(1) ? at::squeeze(a.T(0)) : at::squeeze(a.T(0), a.I(1))))
  OP(unsqueeze, RT(at::unsqueeze(a.T(0), a.I(1))))
  OP(expand, RT(a.T(0).expand(a.L(1))))
  OP(repeat, RT(a.T(0).repeat(a.L(1))))
  OP(flip, RT(at::flip(a.T(0), a.L(1))))
  OP(narrow, RT(at::narrow(a.T(0), a.I(1), a.I(2), a.I(3))))
  OP(slice, RT(at::slice(a.T(0), a.I(1), a.OI(2), a.OI(3), a.none(4) ? 1 : a.I(4))))
  OP(select, RT(at::select(a.T(0), a.I(1), a.I(2))))
  OP(cat, RT(at::cat(a.TL(0), a.I(1))))
  OP(stack, RT(at::stack(a.TL(0), a.I(1))))
  OP(indexSelect, RT(at::index_select(a.T(0), a.I(1), a.T(2))))
  OP(gather, RT(at::gather(a.T(0), a.I(1), a.T(2))))
  OP(scatter, RT(at::scatter(a.T(0), a.I(1), a.T(2), a.T(3))))
  OP(scatterAdd, RT(at::scatter_add(a.T(0), a.I(1), a.T(2), a.T(3))))
  OP(maskedSelect, RT(at::masked_select(a.T(0), a.T(1))))
  OP(maskedFill, RT(at::masked_fill(a.T(0), a.T(1), a.N(2))))
  OP(index, RT(at::index(a.T(0), a.IL(1))))
  OP(indexPut, RT(at::index_put(a.T(0), a.IL(1), a.T(2), a.B(3))))
  OP(oneHot, RT(at::one_hot(a.T(0), a.I(1))))
  OP(nonzero, RT(at::nonzero(a.T(0))))
  OP(matmul, RT(at::matmul(a.T(0), a.T(1))))
  // ---- in place (parameter updates and buffers; run under no-grad)
  OP(copy_, a.T(0).copy_(a.T(1)); return a.Undef();)
  OP(add_, a.T(0).add_(a.T(1), a.none(2) ? at::Scalar(1) : a.N(2)); return a.Undef();)
  OP(mul_, a.T(0).mul_(a.T(1)); return a.Undef();)
  OP(mulScalar_, a.T(0).mul_(a.N(1)); return a.Undef();)
  OP(addcmul_, a.T(0).addcmul_(a.T(1), a.T(2), a.N(3)); return a.Undef();)
  OP(zero_, a.T(0).zero_(); return a.Undef();)
  OP(fill_, a.T(0).fill_(a.N(1)); return a.Undef();)
  OP(indexPut_, { at::Tensor t = a.T(0); t.index_put_(a.IL(1), a.T(2), a.B(3)); return a.Undef(); })
  // ---- neural-network functions
  OP(conv2d, RT(cfa::conv2d(a.T(0), a.T(1), a.OT(2), a.L(3), a.L(4), a.L(5), a.I(6))))
  OP(batchNorm, RT(at::batch_norm(a.T(0), a.OT(1), a.OT(2), a.OT(3), a.OT(4), a.B(5), a.D(6), a.D(7), true)))
  OP(linear, RT(at::linear(a.T(0), a.T(1), a.OT(2))))
  OP(maxPool2d, RT(at::max_pool2d(a.T(0), a.L(1), a.L(2), a.L(3), a.L(4), a.B(5))))
  OP(avgPool2d, RT(at::avg_pool2d(a.T(0), a.L(1), a.L(2), a.L(3), a.B(4), a.B(5), c10::nullopt)))
  OP(adaptiveAvgPool2d, RT(at::adaptive_avg_pool2d(a.T(0), a.L(1))))
  OP(softmax, RT(at::softmax(a.T(0), a.I(1))))
  OP(logSoftmax, RT(at::log_softmax(a.T(0), a.I(1))))
  OP(crossEntropy, RT(at::cross_entropy_loss(a.T(0), a.T(1), a.OT(2), parseReduction(a.S(3)), -100, a.none(4) ? 0.0 : a.D(4))))
  OP(nllLoss, RT(at::nll_loss(a.T(0), a.T(1), a.OT(2), parseReduction(a.S(3)), -100)))
  OP(klDiv, RT(at::kl_div(a.T(0), a.T(1), parseReduction(a.S(2)), a.B(3))))
  OP(mseLoss, RT(at::mse_loss(a.T(0), a.T(1), parseReduction(a.S(2)))))
  OP(pad, RT(padOp(a)))
  // ---- threads and devices
  OP(setNumThreads, at::set_num_threads(static_cast<int>(a.I(0))); return a.Undef();)
  OP(getNumThreads, return a.Num(at::get_num_threads());)
  OP(cudaIsAvailable, return a.Bool(torch::cuda::is_available());)
  OP(cudaDeviceCount, return a.Num(static_cast<double>(torch::cuda::device_count()));)
  OP(synchronize, { if (torch::cuda::is_available()) torch::cuda::synchronize(); return a.Undef(); })
  OP(version, return a.Str(TORCH_VERSION);)
  OP(config, return a.Str(at::show_config());)
  // ---- collectives (collectives.cc): one c10d process group per process
  OP(distInit, cfa::dist::init(a.S(0), a.S(1), static_cast<int>(a.I(2)), static_cast<int>(a.I(3)), static_cast<int>(a.I(4)), a.D(5)); return a.Undef();)
  OP(distDestroy, cfa::dist::destroy(); return a.Undef();)
  OP(distHasNccl, return a.Bool(cfa::dist::hasNccl());)
  OP(allReduceSum, cfa::dist::allReduceSum(a.TL(0), a.I(1)); return a.Undef();)
  OP(broadcast, cfa::dist::broadcast(a.TL(0), static_cast<int>(a.I(1)), a.I(2)); return a.Undef();)
  OP(barrier, cfa::dist::barrier(); return a.Undef();)
  OP(allGather, RT(cfa::dist::allGather(a.T(0))))
};
// clang-format on

Napi::Value dispatch(const Napi::CallbackInfo& info) {
  const Op* op = static_cast<const Op*>(info.Data());
  try {
    return op->fn(A(info));
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), std::string(op->name) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(op->name) + ": " + e.what());
  }
}

// CPU blocks of 64 KiB and up are cached for reuse (cpu_allocator.cc), keeping at most CFA_CPU_CACHE_MB unused (default
// a quarter of the machine's memory); CFA_CPU_CACHE_MB=0 leaves libtorch's own allocator in place.
void installCpuCache() {
  const char* env = std::getenv("CFA_CPU_CACHE_MB");
  size_t limit = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGESIZE)) / 4;
  if (env) {
    char* end = nullptr;
    const double mb = std::strtod(env, &end);
    if (end == env || *end != '\0' || !(mb >= 0)) throw std::invalid_argument(std::string("CFA_CPU_CACHE_MB: expected a number of MiB ≥ 0, got '") + env + "'");
    if (mb == 0) return;
    limit = static_cast<size_t>(mb * 1024 * 1024);
  }
  cfa::installCachingCpuAllocator(limit);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  installCpuCache();
  for (const Op& op : kOps) exports.Set(op.name, Napi::Function::New(env, dispatch, op.name, const_cast<Op*>(&op)));
  return exports;
}

}  // namespace

NODE_API_MODULE(cfa_native, Init)
