#pragma once
// Exhaustive hardware search through the evaluator: every point of a space's hardware grid for
// one network, ranked by the study's objective. The second stage of the two-stage baselines and
// the repair step of constrained points.
#include <cstdint>
#include <vector>

#include "models/coexplore/hardware_choices.hpp"
#include "models/coexplore/study.hpp"
#include "models/evaluator/evaluator.hpp"

namespace duet::coexplore {

struct HardwareCandidate {
  std::vector<int> hardware;  // value index per hardware dimension
  CostVector predicted{};
  double log_objective = 0;
};

// The `keep` best hardware points for `blocks` among those the evaluator predicts to meet the
// constraints with limits scaled by `margin`, best first. `evaluator_calls` grows by the grid
// size (one prediction per point).
std::vector<HardwareCandidate> rank_hardware(const Evaluator& evaluator, const SearchSpace& space,
                                             const std::vector<int>& blocks,
                                             const Objective& objective,
                                             const std::vector<Constraint>& constraints,
                                             double margin, std::size_t keep,
                                             int64_t& evaluator_calls);

// rank_hardware at margin 1 under `constraints`; when the evaluator predicts no point to meet
// them, the best points without them (repair, or the report, says what re-simulation finds).
std::vector<HardwareCandidate> best_hardware(const Evaluator& evaluator, const SearchSpace& space,
                                             const std::vector<int>& blocks,
                                             const Objective& objective,
                                             const std::vector<Constraint>& constraints,
                                             std::size_t keep, int64_t& evaluator_calls);

}  // namespace duet::coexplore
