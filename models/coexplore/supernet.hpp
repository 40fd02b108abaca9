#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): a network family as a supernet. Each
// searchable block holds one module per option it allows and runs one of them per step (path
// sampling), so a step costs one network. A network with one allowed option per block is an
// ordinary network: the derived design, trained from scratch. The modules mirror the family's
// workload layer for layer (batch-norm folds into the convs at inference).
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "models/nnlut/nonlinear_ops.hpp"
#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

struct SupernetImpl : torch::nn::Module {
  // path[b]: the option index (in the space's order) block b runs; it must be allowed.
  virtual torch::Tensor forward(const torch::Tensor& images, const std::vector<int>& path) = 0;

  // allowed[b]: the option indices block b instantiates.
  std::vector<std::vector<int>> allowed;
  // How the SFU computes GELU, Softmax and LayerNorm in forward(); families without them
  // ignore it. Weights are trained exactly; approximations are applied to evaluate.
  NonlinearOps nonlinear = exact_ops();

 protected:
  // The slot of option path[b] among allowed[b].
  std::size_t slot(std::size_t b, const std::vector<int>& path) const;
};

class Supernet : public torch::nn::ModuleHolder<SupernetImpl> {
 public:
  using torch::nn::ModuleHolder<SupernetImpl>::ModuleHolder;
};

// Every option of every block when `allowed` is empty.
std::shared_ptr<SupernetImpl> make_mbconv_supernet(const NetworkFamily& family,
                                                   std::vector<std::vector<int>> allowed);
std::shared_ptr<SupernetImpl> make_vit_supernet(const NetworkFamily& family,
                                                std::vector<std::vector<int>> allowed);

// The family's supernet, with initial weights that depend on `seed` alone, not on what the
// process drew from torch's generator before: a study's points must not depend on the order
// they run in.
Supernet seeded_supernet(const NetworkFamily& family, uint64_t seed,
                         std::vector<std::vector<int>> allowed = {});

}  // namespace duet::coexplore
