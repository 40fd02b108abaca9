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

// The base accelerator's value of every hardware dimension, as a grid choice (the nearest on a
// log scale for numbers; a categorical value must be in the grid).
std::vector<int> mobile_hardware_choices(const SearchSpace& space) {
  const AcceleratorConfig mobile = load_accelerator("mobile");
  std::vector<int> choices;
  for (const auto& dim : space.hardware) {
    const Json v = hardware_dimension_value(mobile, dim.name);
    int best = -1;
    double distance = INFINITY;
    for (std::size_t i = 0; i < dim.values.size(); ++i) {
      const double d = v.is_number()
                           ? std::abs(std::log(dim.values[i].get<double>() / v.get<double>()))
                           : (dim.values[i] == v ? 0.0 : INFINITY);
      if (d < distance) distance = d, best = static_cast<int>(i);
    }
    if (best < 0) {
      throw InputError(space.path + ": hardware." + dim.name + ": the mobile baseline's value " +
                       v.dump() + " is not among the space's choices");
    }
    choices.push_back(best);
  }
  return choices;
}

int64_t hardware_grid_size(const SearchSpace& space) {
  int64_t n = 1;
  for (const auto& dim : space.hardware) n *= static_cast<int64_t>(dim.values.size());
  return n;
}

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
