#include "models/nnlut/encoder_layer.hpp"

#include <cmath>

namespace duet {

torch::nn::LayerNorm make_layer_norm(int64_t width, double eps) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(eps));
}

TokenLinearImpl::TokenLinearImpl(int64_t in, int64_t out) {
  // nn::Linear's default initialisation.
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  weight = register_parameter("weight", torch::empty({out, in, 1}).uniform_(-bound, bound));
  bias = register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
}

torch::Tensor TokenLinearImpl::forward(const torch::Tensor& x) {
  return torch::conv1d(x.transpose(1, 2), weight, bias).transpose(1, 2);
}

EncoderLayerImpl::EncoderLayerImpl(int64_t width, int64_t heads_, int64_t mlp_ratio, double eps)
    : heads(heads_),
      ln1(register_module("ln1", make_layer_norm(width, eps))),
      qkv(register_module("qkv", TokenLinear(width, 3 * width))),
      proj(register_module("proj", TokenLinear(width, width))),
      ln2(register_module("ln2", make_layer_norm(width, eps))),
      fc1(register_module("fc1", TokenLinear(width, mlp_ratio * width))),
      fc2(register_module("fc2", TokenLinear(mlp_ratio * width, width))) {}

torch::Tensor EncoderLayerImpl::forward(torch::Tensor x, const NonlinearOps& ops) {
  const int64_t batch = x.size(0), tokens = x.size(1), width = x.size(2);
  const int64_t head_width = width / heads;
  const torch::Tensor qkv_heads = qkv(ops.layer_norm(x, ln1))
                                      .view({batch, tokens, 3, heads, head_width})
                                      .permute({2, 0, 3, 1, 4});
  const torch::Tensor scores =
      torch::matmul(qkv_heads[0], qkv_heads[1].transpose(-2, -1)) / std::sqrt(head_width);
  const torch::Tensor attended = torch::matmul(ops.softmax(scores), qkv_heads[2]);
  x = x + proj(attended.transpose(1, 2).reshape({batch, tokens, width}));
  return x + fc2(ops.activation(fc1(ops.layer_norm(x, ln2))));
}

}  // namespace duet
