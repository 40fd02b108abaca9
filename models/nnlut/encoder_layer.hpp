#pragma once
// Private to models/*.cpp (includes libtorch): a pre-LN Transformer encoder layer whose
// non-linear ops are chosen per call (NonlinearOps), shared by the NN-LUT accuracy study's ViT
// and the vit supernet.
#include <torch/torch.h>

#include "models/nnlut/nonlinear_ops.hpp"

namespace duet {

torch::nn::LayerNorm make_layer_norm(int64_t width, double eps);

// A linear layer over the last dimension of [batch, tokens, features], run as a 1x1
// convolution: Debian's libtorch sends nn::Linear to the reference BLAS (about 3 GFLOP/s here),
// while convolutions go to oneDNN, which makes training about ten times faster.
struct TokenLinearImpl : torch::nn::Module {
  TokenLinearImpl(int64_t in, int64_t out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(TokenLinear);

// x + attention(LN(x)), then x + MLP(LN(x)); the MLP's activation is GELU.
struct EncoderLayerImpl : torch::nn::Module {
  EncoderLayerImpl(int64_t width, int64_t heads, int64_t mlp_ratio, double layer_norm_eps);
  torch::Tensor forward(torch::Tensor x, const NonlinearOps& ops);

  int64_t heads;
  torch::nn::LayerNorm ln1;
  TokenLinear qkv, proj;
  torch::nn::LayerNorm ln2;
  TokenLinear fc1, fc2;
};
TORCH_MODULE(EncoderLayer);

}  // namespace duet
