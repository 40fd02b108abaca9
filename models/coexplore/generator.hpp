#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): DANCE's hardware generation network.
// An MLP maps a network's (relaxed) block choices to a distribution over every hardware
// dimension's values. It is pre-trained on the best hardware of sampled networks (exhaustive
// search of the grid through the evaluator), then frozen: in the search, the cost's gradient
// reaches alpha through it (docs/explore.md, "Generator mode").
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

struct HardwareGeneratorImpl : torch::nn::Module {
  HardwareGeneratorImpl(const SearchSpace& space, int64_t hidden);
  // [n, total block options] choice weights (one-hot or relaxed) -> [n, total hardware values]
  // logits, one softmax group per hardware dimension.
  torch::Tensor forward(const torch::Tensor& block_weights);

  std::vector<int64_t> block_widths, hardware_widths;
  torch::nn::Sequential mlp{nullptr};
};
TORCH_MODULE(HardwareGenerator);

// One-hot rows of hard block choices, [n, total block options].
torch::Tensor one_hot_blocks(const SearchSpace& space, const std::vector<std::vector<int>>& nets);

// Per hardware dimension, softmax of the generator's logits at relaxed block weights (one
// tensor per block, each summing to 1). Differentiable with respect to the block weights.
std::vector<torch::Tensor> generated_distribution(HardwareGenerator& generator,
                                                  const std::vector<torch::Tensor>& blocks);

// The generator's hardware for hard networks: argmax per dimension.
std::vector<std::vector<int>> generated_hardware(HardwareGenerator& generator,
                                                 const SearchSpace& space,
                                                 const std::vector<std::vector<int>>& nets);

struct GeneratorFit {
  double train_loss = 0;
  double validation_loss = 0;
  double validation_exact = 0;             // validation networks whose every dimension is right
  std::vector<double> dimension_accuracy;  // per hardware dimension, on validation networks
};

// Cross-entropy per dimension against `labels` (best hardware of each network in `nets`); every
// tenth network is held out for the validation figures. Deterministic in `seed`.
GeneratorFit train_generator(HardwareGenerator& generator, const SearchSpace& space,
                             const std::vector<std::vector<int>>& nets,
                             const std::vector<std::vector<int>>& labels, int epochs,
                             uint64_t seed);

// Weights through a temporary file and a rename; `path`.json records the file's FNV-1a hash and
// `meta` (which holds "study_key"). load_generator refuses, naming the file, weights that do not
// match the hash and a generator whose study_key is not `key`.
void save_generator(HardwareGenerator& generator, const std::string& path, const Json& meta);
HardwareGenerator load_generator(const SearchSpace& space, int64_t hidden, const std::string& path,
                                 const Json& key);

}  // namespace duet::coexplore
