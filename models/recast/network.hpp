#pragma once
// Private to models/recast/*.cpp (includes libtorch): a network of blocks, with the entry
// points block-by-block recasting needs (run a prefix, run from a block on).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "models/recast/blocks.hpp"
#include "models/recast/spec.hpp"

namespace duet::recast {

// Global average pool, then a fully connected layer run as a 1x1 conv: Debian's libtorch sends
// nn::Linear to a slow reference BLAS, convolutions to oneDNN.
struct HeadImpl : torch::nn::Module {
  HeadImpl(int64_t in, int64_t classes)
      : fc(register_module("fc", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, classes, 1)))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    return fc(torch::adaptive_avg_pool2d(x, {1, 1})).flatten(1);
  }
  torch::nn::Conv2d fc;
};
TORCH_MODULE(Head);

struct NetworkImpl : torch::nn::Module {
  explicit NetworkImpl(const NetworkSpec& spec);

  torch::Tensor stem_forward(const torch::Tensor& images) { return torch::relu(stem(images)); }
  // Blocks [first, last) applied to h.
  torch::Tensor blocks_forward(torch::Tensor h, std::size_t first, std::size_t last);
  torch::Tensor forward(const torch::Tensor& images) {
    return head(blocks_forward(stem_forward(images), 0, blocks.size()));
  }
  // Replaces block i (a new module registered under the same name).
  void set_block(std::size_t i, Block block);
  void set_head(Head new_head);
  int64_t parameter_count() const;

  NetworkSpec spec;
  ConvBn stem{nullptr};
  std::vector<Block> blocks;
  Head head{nullptr};
};
TORCH_MODULE(Network);

}  // namespace duet::recast
