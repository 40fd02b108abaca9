#include "models/nnlut/nonlinear_ops.hpp"

#include "models/nnlut/lut_torch.hpp"
#include "workloads/input_error.hpp"

namespace duet {

torch::Tensor NonlinearOps::softmax(const torch::Tensor& x) const {
  if (exact) return torch::softmax(x, -1);
  const torch::Tensor e = exp(x - std::get<0>(x.max(-1, /*keepdim=*/true)));
  const torch::Tensor sum = e.sum(-1, /*keepdim=*/true);
  return reciprocal ? e * reciprocal(sum) : e / sum;
}

torch::Tensor NonlinearOps::layer_norm(const torch::Tensor& x, torch::nn::LayerNorm& ln) const {
  if (exact) return ln->forward(x);
  const torch::Tensor centred = x - x.mean(-1, /*keepdim=*/true);
  const torch::Tensor variance = centred.square().mean(-1, /*keepdim=*/true);
  return centred * rsqrt(variance + ln->options.eps()) * ln->weight + ln->bias;
}

torch::Tensor NonlinearOps::activation(const torch::Tensor& x) const {
  return exact ? torch::gelu(x) : gelu(x);
}

namespace {

PiecewiseLinearLut load_table(const std::string& dir, LutFunction f, int entries) {
  const std::string path =
      dir + "/" + lut_function_name(f) + "-" + std::to_string(entries) + ".json";
  PiecewiseLinearLut lut = load_lut(path);
  if (lut.function != f) {
    throw InputError(path + ": function is \"" + lut_function_name(lut.function) +
                     "\", expected \"" + lut_function_name(f) + "\"");
  }
  return lut;
}

Unary table_op(const PiecewiseLinearLut& lut) {
  return [lut](const torch::Tensor& x) { return apply_lut(lut, x); };
}

Unary ibert_op(LutFunction f) {
  return [f](const torch::Tensor& x) { return apply_ibert(f, x); };
}

}  // namespace

LutTables load_lut_tables(const std::string& dir, int entries) {
  return {entries, load_table(dir, LutFunction::kGelu, entries),
          load_table(dir, LutFunction::kExp, entries),
          load_table(dir, LutFunction::kReciprocal, entries),
          load_table(dir, LutFunction::kRsqrt, entries)};
}

NonlinearOps exact_ops() {
  NonlinearOps ops;
  ops.exact = true;
  return ops;
}

NonlinearOps nnlut_ops(const LutTables& t, LutPrecision precision) {
  NonlinearOps ops;
  ops.gelu = table_op(quantized(t.gelu, precision));
  ops.exp = table_op(quantized(t.exp, precision));
  ops.reciprocal = table_op(quantized(t.reciprocal, precision));
  ops.rsqrt = table_op(quantized(t.rsqrt, precision));
  return ops;
}

NonlinearOps ibert_ops() {
  NonlinearOps ops;
  ops.gelu = ibert_op(LutFunction::kGelu);
  ops.exp = ibert_op(LutFunction::kExp);
  ops.rsqrt = ibert_op(LutFunction::kRsqrt);
  return ops;
}

}  // namespace duet
