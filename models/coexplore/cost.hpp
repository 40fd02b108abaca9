#pragma once
// The study's cost in the evaluator's terms. Every metric (and the objective) is a product of
// powers of the evaluator's four targets, so its log is a linear combination of their logs:
// one rule gives values, constraint checks and gradients at relaxed choices alike.
#include <array>
#include <string>
#include <vector>

#include "models/coexplore/study.hpp"
#include "models/evaluator/evaluator.hpp"

namespace duet::coexplore {

// Coefficients on log latency_s, log energy_j, log area_mm2, log avg_power_w.
using LogCombination = std::array<double, 4>;

LogCombination metric_combination(const std::string& metric);  // one of metric_names()
LogCombination objective_combination(const Objective& objective);

double log_value(const LogCombination& c, const CostVector& v);
double metric_value(const std::string& metric, const CostVector& v);
// d log_value / d weights[d][c] from a relaxed prediction.
std::vector<std::vector<double>> log_gradient(const LogCombination& c, const RelaxedPrediction& p);

// Every constraint holds with the limits scaled by `margin` (< 1 demands headroom).
bool meets_constraints(const std::vector<Constraint>& constraints, const CostVector& v,
                       double margin = 1.0);
// Sum over constraints of max(0, log(value / limit))^2: zero exactly where all hold.
double constraint_penalty(const std::vector<Constraint>& constraints, const CostVector& v);
std::vector<std::vector<double>> constraint_penalty_gradient(
    const std::vector<Constraint>& constraints, const RelaxedPrediction& p);

// {latency_s, energy_j, area_mm2, edp_js}, the figures a study reports.
Json cost_json(const CostVector& v);

}  // namespace duet::coexplore
