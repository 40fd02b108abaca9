#include "models/coexplore/hardware_grid.hpp"

#include <algorithm>
#include <cmath>

#include "models/coexplore/cost.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "workloads/input_error.hpp"

namespace duet::coexplore {
namespace {

constexpr int64_t kChunk = 16384;  // rows per batched prediction

// Mixed-radix decoding of a grid index into value indices (first dimension fastest).
std::vector<int> grid_point(const SearchSpace& space, int64_t index) {
  std::vector<int> point;
  for (const auto& dim : space.hardware) {
    const int64_t n = static_cast<int64_t>(dim.values.size());
    point.push_back(static_cast<int>(index % n));
    index /= n;
  }
  return point;
}

}  // namespace

std::vector<HardwareCandidate> rank_hardware(const Evaluator& evaluator, const SearchSpace& space,
                                             const std::vector<int>& blocks,
                                             const Objective& objective,
                                             const std::vector<Constraint>& constraints,
                                             double margin, std::size_t keep,
                                             int64_t& evaluator_calls) {
  const LogCombination combo = objective_combination(objective);
  const int64_t total = hardware_grid_size(space);
  auto better = [](const HardwareCandidate& a, const HardwareCandidate& b) {
    return a.log_objective < b.log_objective;
  };
  std::vector<HardwareCandidate> best;  // a max-heap on log_objective holding the `keep` best
  std::vector<Sample> batch;
  for (int64_t start = 0; start < total; start += kChunk) {
    batch.clear();
    for (int64_t i = start; i < std::min(total, start + kChunk); ++i) {
      batch.push_back({i, grid_point(space, i), blocks});
    }
    const std::vector<CostVector> predicted = evaluator.predict(batch);
    evaluator_calls += static_cast<int64_t>(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!meets_constraints(constraints, predicted[i], margin)) continue;
      HardwareCandidate c{batch[i].hardware, predicted[i], log_value(combo, predicted[i])};
      if (best.size() < keep) {
        best.push_back(std::move(c));
        std::push_heap(best.begin(), best.end(), better);
      } else if (keep > 0 && better(c, best.front())) {
        std::pop_heap(best.begin(), best.end(), better);
        best.back() = std::move(c);
        std::push_heap(best.begin(), best.end(), better);
      }
    }
  }
  std::sort_heap(best.begin(), best.end(), better);
  return best;
}

std::vector<HardwareCandidate> best_hardware(const Evaluator& evaluator, const SearchSpace& space,
                                             const std::vector<int>& blocks,
                                             const Objective& objective,
                                             const std::vector<Constraint>& constraints,
                                             std::size_t keep, int64_t& evaluator_calls) {
  auto ranked =
      rank_hardware(evaluator, space, blocks, objective, constraints, 1.0, keep, evaluator_calls);
  if (ranked.empty() && !constraints.empty())
    ranked = rank_hardware(evaluator, space, blocks, objective, {}, 1.0, keep, evaluator_calls);
  return ranked;
}

}  // namespace duet::coexplore
