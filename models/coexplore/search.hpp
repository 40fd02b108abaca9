#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): the supernet's training phases. The
// warm-up trains weights on uniformly sampled paths; the search alternates, as DARTS does, a
// weight step on the training split with an alpha/beta step on the held-out split, whose loss
// is the cross-entropy of sampled paths (REINFORCE, as ProxylessNAS) plus lambda times the
// frozen evaluator's cost at Gumbel-softmax relaxed choices (docs/explore.md).
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/coexplore/generator.hpp"
#include "models/coexplore/sfu_approximations.hpp"
#include "models/coexplore/study.hpp"
#include "models/coexplore/supernet.hpp"
#include "models/evaluator/evaluator.hpp"
#include "models/recast/training.hpp"

namespace duet::coexplore {

using recast::Data;
using recast::LabelledImages;
// (done, total, note) for progress bars.
using StepProgress = std::function<void(int64_t, int64_t, const std::string&)>;

// Fashion-MNIST split by the study's budget: train, held-out search split, test.
Data load_study_data(const Study& study);

void warm_up(Supernet& net, const LabelledImages& train, const Budget& budget, uint64_t seed,
             const StepProgress& progress);

struct SearchSetup {
  double lambda = 0;
  bool cross_entropy = true;        // false: cost only (no images needed)
  bool cost = true;                 // false: alpha follows accuracy alone; no evaluator calls
  std::vector<int> fixed_hardware;  // non-empty: the hardware is held at these choices
  // Generator mode: the hardware is the frozen generator's output at the relaxed network, so
  // the cost reaches alpha through it as well (no beta).
  HardwareGenerator* generator = nullptr;
  std::vector<int> fixed_blocks;  // non-empty: the network is held at these choices (no alpha)
  // The SFU's approximations, for families whose accuracy depends on them (vit): sampled
  // paths run with the SFU choice drawn from beta (or the fixed hardware's), so accuracy feels
  // it. Without it, or when the hardware is not searched, paths run with exact ops.
  const SfuApproximations* sfu = nullptr;
};

// Alternating steps a search takes: the held-out split's batches times search_epochs.
int64_t search_steps(const Budget& budget);

struct SearchResult {
  std::vector<int> blocks;    // argmax alpha
  std::vector<int> hardware;  // argmax beta (or the fixed choices; empty without cost)
  int64_t evaluator_calls = 0;
  std::string log_csv;  // per step: temperature, losses, softmax(alpha), softmax(beta)
};

SearchResult search(Supernet& net, const Evaluator& evaluator, const SearchSpace& space,
                    const Study& study, const SearchSetup& setup, const Data& data, uint64_t seed,
                    const StepProgress& progress);

// search() without images: cross-entropy off, alpha and beta moved by the cost alone.
SearchResult search_cost_only(const Evaluator& evaluator, const SearchSpace& space,
                              const Study& study, double lambda, uint64_t seed);

// Mean cross-entropy of one path with inherited weights on `images` (batch statistics), with
// the non-linear ops the supernet holds.
double inherited_loss(Supernet& net, const std::vector<int>& path, const LabelledImages& set);

// Trains every weight of `net` (one path) from scratch, with exact non-linear ops, and
// re-estimates its batch-norm statistics.
void train_derived(Supernet& net, const std::vector<int>& path, const Data& data,
                   const Budget& budget, uint64_t seed, const StepProgress& progress);

// Test accuracy of `net` (one path) with the non-linear ops it holds.
double test_accuracy(Supernet& net, const std::vector<int>& path, const LabelledImages& test);

}  // namespace duet::coexplore
