#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): the mbconv family as a supernet. Each
// searchable block holds one module per option it allows and runs one of them per step (path
// sampling), so a step costs one network. A network with one allowed option per block is an
// ordinary network: the derived design, trained from scratch. The modules mirror the family's
// workload layer for layer (batch-norm folds into the convs at inference).
#include <torch/torch.h>

#include <vector>

#include "models/recast/blocks.hpp"
#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

struct SupernetImpl : torch::nn::Module {
  // allowed[b]: the option indices block b instantiates (all when empty).
  SupernetImpl(const NetworkFamily& family, std::vector<std::vector<int>> allowed = {});

  // path[b]: the option index (in the space's order) block b runs.
  torch::Tensor forward(const torch::Tensor& images, const std::vector<int>& path);

  std::vector<std::vector<int>> allowed;
  recast::ConvBn stem{nullptr};
  std::vector<std::vector<std::shared_ptr<torch::nn::Module>>> blocks;  // [block][allowed slot]
  std::vector<std::vector<int64_t>> strides_and_channels;  // per block: stride, in, out
  recast::ConvBn head{nullptr};                            // absent without head channels
  torch::nn::Conv2d classifier{nullptr};
};
TORCH_MODULE(Supernet);

// A supernet whose initial weights depend on `seed` alone, not on what the process drew from
// torch's generator before: a study's points must not depend on the order they run in.
Supernet seeded_supernet(const NetworkFamily& family, uint64_t seed,
                         std::vector<std::vector<int>> allowed = {});

}  // namespace duet::coexplore
