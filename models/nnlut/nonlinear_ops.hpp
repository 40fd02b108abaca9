#pragma once
// Private to models/*.cpp (includes libtorch): the Transformer's three non-linear ops (GELU,
// Softmax, LayerNorm) as an SFU computes them: exactly, through NN-LUT tables, or with I-BERT's
// integer kernels. The accuracy study and the vit supernet both run their encoders through it.
#include <torch/torch.h>

#include <functional>
#include <string>

#include "workloads/lut.hpp"

namespace duet {

using Unary = std::function<torch::Tensor(const torch::Tensor&)>;

struct NonlinearOps {
  Unary gelu;
  // Softmax over the last dimension: max-subtract, exp, sum, reciprocal, multiply. Without a
  // reciprocal the sum divides exactly (I-BERT's integer division).
  Unary exp, reciprocal;
  // LayerNorm: exact mean and variance, then this on variance + eps.
  Unary rsqrt;
  bool exact = false;  // use torch's fused ops instead (training speed, and the reference)

  torch::Tensor softmax(const torch::Tensor& x) const;
  torch::Tensor layer_norm(const torch::Tensor& x, torch::nn::LayerNorm& ln) const;
  torch::Tensor activation(const torch::Tensor& x) const;
};

// The four tables of one entry count (configs/luts/<function>-<entries>.json).
struct LutTables {
  int entries = 0;
  PiecewiseLinearLut gelu, exp, reciprocal, rsqrt;
};

// Reads <dir>/<function>-<entries>.json for the four functions; InputError names a missing or
// mislabelled file.
LutTables load_lut_tables(const std::string& dir, int entries);

NonlinearOps exact_ops();
NonlinearOps nnlut_ops(const LutTables& tables, LutPrecision precision = LutPrecision::kFp32);
NonlinearOps ibert_ops();

}  // namespace duet
