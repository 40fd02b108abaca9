#include "models/coexplore/surrogate_gap.hpp"

#include <algorithm>
#include <cmath>

namespace duet::coexplore {

Json surrogate_gap(const CostVector& predicted, const CostVector& simulated) {
  return {{"latency_s", std::abs(predicted[0] - simulated[0]) / simulated[0]},
          {"energy_j", std::abs(predicted[1] - simulated[1]) / simulated[1]},
          {"area_mm2", std::abs(predicted[2] - simulated[2]) / simulated[2]}};
}

double worst_gap(const Json& gap) {
  double worst = 0;
  for (const auto& [metric, value] : gap.items()) worst = std::max(worst, value.get<double>());
  return worst;
}

bool within(const Json& gap, double tolerance) { return worst_gap(gap) <= tolerance; }

std::size_t best_predicted_round(const std::vector<Json>& gaps) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < gaps.size(); ++k)
    if (worst_gap(gaps[k]) < worst_gap(gaps[best])) best = k;
  return best;
}

}  // namespace duet::coexplore
