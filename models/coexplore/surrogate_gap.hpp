#pragma once
// How far the evaluator's prediction of a derived design is from its simulation, and which of
// a point's refinement rounds to keep (docs/explore.md, "Refinement").
#include <cstddef>
#include <vector>

#include "models/evaluator/evaluator.hpp"
#include "workloads/json_reader.hpp"

namespace duet::coexplore {

// Relative |predicted - simulated| / simulated of latency, energy and area.
Json surrogate_gap(const CostVector& predicted, const CostVector& simulated);
// The largest of a gap's relative errors.
double worst_gap(const Json& gap);
bool within(const Json& gap, double tolerance);
// The round whose worst gap is smallest, the earliest on ties: a later round derives another
// design, which the refined evaluator may judge worse than the first.
std::size_t best_predicted_round(const std::vector<Json>& gaps);

}  // namespace duet::coexplore
