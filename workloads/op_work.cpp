// The work of each op: PE-array ops as the im2col GEMM view SCALE-Sim uses, SFU ops as rows of
// element operations (Softmax = max, exp, sum, reciprocal, multiply; LayerNorm = mean,
// variance, rsqrt, normalise; GELU and SiLU one function each).
#include <algorithm>

#include "workloads/op_rules.hpp"

namespace duet {

ElementOps& ElementOps::operator+=(const ElementOps& o) {
  compare += o.compare;
  add += o.add;
  mul += o.mul;
  exp += o.exp;
  reciprocal += o.reciprocal;
  rsqrt += o.rsqrt;
  gelu += o.gelu;
  silu += o.silu;
  return *this;
}

ElementOps ElementOps::scaled(int64_t n) const {
  return {compare * n, add * n, mul * n, exp * n, reciprocal * n, rsqrt * n, gelu * n, silu * n};
}

namespace op_rules {

GemmView conv_as_gemm(const Layer& l) {
  const Shape& in = l.input_shapes[0];
  const Shape& out = l.output_shape;
  return {out[0] * out[2] * out[3], l.kernel[0] * l.kernel[1] * (in[1] / l.groups),
          l.out_channels / l.groups, l.groups};
}

GemmView gemm_as_gemm(const Layer& l) {
  const Shape& in = l.input_shapes[0];
  const int64_t k = in.back();
  return {elements(in) / k, k, l.out_features, 1};
}

GemmView matmul_as_gemm(const Layer& l) {
  const Shape& a = l.input_shapes[0];
  const int64_t p = a[a.size() - 2], k = a.back();
  return {p, k, l.output_shape.back(), elements(a) / (p * k)};
}

int64_t filter_weights(const Layer& l) {
  const GemmView v = op_descriptor(l.op).gemm(l);
  return v.k * v.f * v.repeats;
}

int64_t table_weights(const Layer& l) { return l.vocab * l.dim; }

int64_t constant_weights(const Layer& l) { return elements(l.output_shape); }

namespace {

// k * n + c, saturated at 2^62: a row that long can never fit a buffer, and the mapper refuses
// it by its bytes, but the count must not overflow first.
int64_t saturated(int64_t k, int64_t n, int64_t c = 0) {
  constexpr int64_t kCap = int64_t{1} << 62;
  int64_t v = 0;
  if (__builtin_mul_overflow(k, n, &v) || __builtin_add_overflow(v, c, &v) || v > kCap) return kCap;
  return v;
}

ElementOps ops(int64_t compare, int64_t add, int64_t mul, int64_t exp = 0, int64_t reciprocal = 0,
               int64_t rsqrt = 0, int64_t gelu = 0, int64_t silu = 0) {
  return {compare, add, mul, exp, reciprocal, rsqrt, gelu, silu};
}

// One element per row: `inputs` elements in, one out.
RowWork elementwise(const Layer& l, int64_t inputs, const ElementOps& per_element) {
  return {elements(l.output_shape), inputs, 1, per_element, 1};
}

}  // namespace

RowWork add_rows(const Layer& l) { return elementwise(l, 2, ops(0, 1, 0)); }
RowWork mul_rows(const Layer& l) { return elementwise(l, 2, ops(0, 0, 1)); }
RowWork relu_rows(const Layer& l) { return elementwise(l, 1, ops(1, 0, 0)); }
RowWork clip_rows(const Layer& l) { return elementwise(l, 1, ops(2, 0, 0)); }
RowWork batchnorm_rows(const Layer& l) { return elementwise(l, 1, ops(0, 1, 1)); }
RowWork gelu_rows(const Layer& l) { return elementwise(l, 1, ops(0, 0, 0, 0, 0, 0, 1)); }
RowWork silu_rows(const Layer& l) { return elementwise(l, 1, ops(0, 0, 0, 0, 0, 0, 0, 1)); }
// 1 / (1 + exp(-x)): an exp, an add and a reciprocal, each at the SFU kind's timing.
RowWork sigmoid_rows(const Layer& l) { return elementwise(l, 1, ops(0, 1, 0, 1, 1)); }

// 2 / (1 + exp(-2x)) - 1: a scale, an exp, an add, a reciprocal, a scale and a subtract.
RowWork tanh_rows(const Layer& l) { return elementwise(l, 1, ops(0, 2, 2, 1, 1)); }
// clip(alpha * x + beta, 0, 1): a multiply, an add and two compares.
RowWork hardsigmoid_rows(const Layer& l) { return elementwise(l, 1, ops(2, 1, 1)); }
// x * hardsigmoid(x): one multiply more.
RowWork hardswish_rows(const Layer& l) { return elementwise(l, 1, ops(2, 1, 2)); }
// a * (1 / b): the reciprocal at the SFU kind's timing (NN-LUT approximates 1/x).
RowWork div_rows(const Layer& l) { return elementwise(l, 2, ops(0, 0, 1, 0, 1)); }

// Rows along the output's last axis; each row reads its share of all the inputs once.
RowWork memory_rows(const Layer& l) {
  const int64_t last = l.output_shape.back();
  const int64_t rows = elements(l.output_shape) / last;
  int64_t in = 0;
  for (const auto& s : l.input_shapes) in += elements(s);  // each <= 2^62, few inputs
  return {rows, (in + rows - 1) / rows, last, ElementOps{}, 1};
}

RowWork softmax_rows(const Layer& l) {
  const int64_t len = l.input_shapes[0][l.axis];
  // max (compare), subtract and sum (add), exp, multiply per element; one reciprocal per row.
  return {elements(l.output_shape) / len, len, len, ops(len, saturated(2, len), len, len, 1), 3};
}

RowWork layernorm_rows(const Layer& l) {
  const int64_t len = l.input_shapes[0].back();
  // mean (add, one scale), variance (sub, square, add, one scale), normalise (sub, mul),
  // scale and shift (mul, add); one rsqrt per row.
  return {elements(l.output_shape) / len, len, len,
          ops(0, saturated(4, len), saturated(3, len, 2), 0, 0, 1), 3};
}

namespace {

// One row is one output row of one plane. It consumes `stride` new input rows (the window's
// overlap with the previous row stays on chip; the halo of a tile's first row is ignored, as
// for convolutions).
RowWork window_rows(const Layer& l, const ElementOps& per_row) {
  const Shape& in = l.input_shapes[0];
  const int64_t new_rows = std::min(l.kernel[0], l.stride[0]);
  return {in[0] * in[1] * l.output_shape[2], new_rows * in[3], l.output_shape[3], per_row, 1};
}

int64_t window_minus_one_per_row(const Layer& l) {
  return saturated(l.output_shape[3], saturated(l.kernel[0], l.kernel[1], -1));
}

}  // namespace

// window - 1 compares per output.
RowWork maxpool_rows(const Layer& l) {
  return window_rows(l, ops(window_minus_one_per_row(l), 0, 0));
}

// window - 1 adds and one scale per output.
RowWork avgpool_rows(const Layer& l) {
  return window_rows(l, ops(0, window_minus_one_per_row(l), l.output_shape[3]));
}

RowWork global_pool_rows(const Layer& l) {
  const Shape& in = l.input_shapes[0];
  const int64_t plane = in[2] * in[3];
  return {in[0] * in[1], plane, 1, ops(0, plane - 1, 1), 1};
}

// DMA rows carry no element operations: each moves out_elements from DRAM through the buffer.
RowWork embedding_rows(const Layer& l) {
  return {elements(l.input_shapes[0]), 0, l.dim, ElementOps{}, 1};
}

RowWork weight_rows(const Layer& l) {
  const int64_t last = l.output_shape.back();
  return {elements(l.output_shape) / last, 0, last, ElementOps{}, 1};
}

}  // namespace op_rules
}  // namespace duet
