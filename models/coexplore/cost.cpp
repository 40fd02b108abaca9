#include "models/coexplore/cost.hpp"

#include <algorithm>
#include <cmath>

#include "workloads/input_error.hpp"

namespace duet::coexplore {

LogCombination metric_combination(const std::string& metric) {
  if (metric == "latency_s") return {1, 0, 0, 0};
  if (metric == "energy_j") return {0, 1, 0, 0};
  if (metric == "area_mm2") return {0, 0, 1, 0};
  if (metric == "edp_js") return {1, 1, 0, 0};
  if (metric == "avg_power_w") return {0, 0, 0, 1};
  throw InputError("\"" + metric + "\" is not a metric");
}

LogCombination objective_combination(const Objective& o) {
  return {o.weights[0], o.weights[1], o.weights[2], 0};
}

double log_value(const LogCombination& c, const CostVector& v) {
  double sum = 0;
  for (int t = 0; t < 4; ++t) {
    if (c[t] != 0) sum += c[t] * std::log(v[t]);
  }
  return sum;
}

double metric_value(const std::string& metric, const CostVector& v) {
  return std::exp(log_value(metric_combination(metric), v));
}

std::vector<std::vector<double>> log_gradient(const LogCombination& c, const RelaxedPrediction& p) {
  std::vector<std::vector<double>> g = p.gradients[0];
  for (auto& row : g) std::fill(row.begin(), row.end(), 0.0);
  for (int t = 0; t < 4; ++t) {
    if (c[t] == 0) continue;
    const double scale = c[t] / p.values[t];  // d log v = dv / v
    for (std::size_t d = 0; d < g.size(); ++d) {
      for (std::size_t k = 0; k < g[d].size(); ++k) g[d][k] += scale * p.gradients[t][d][k];
    }
  }
  return g;
}

bool meets_constraints(const std::vector<Constraint>& constraints, const CostVector& v,
                       double margin) {
  return std::all_of(constraints.begin(), constraints.end(), [&](const Constraint& c) {
    return metric_value(c.metric, v) <= c.limit * margin;
  });
}

double constraint_penalty(const std::vector<Constraint>& constraints, const CostVector& v) {
  double sum = 0;
  for (const auto& c : constraints) {
    const double excess =
        std::max(0.0, log_value(metric_combination(c.metric), v) - std::log(c.limit));
    sum += excess * excess;
  }
  return sum;
}

std::vector<std::vector<double>> constraint_penalty_gradient(
    const std::vector<Constraint>& constraints, const RelaxedPrediction& p) {
  std::vector<std::vector<double>> g = log_gradient({0, 0, 0, 0}, p);
  for (const auto& c : constraints) {
    const LogCombination combo = metric_combination(c.metric);
    const double excess = log_value(combo, p.values) - std::log(c.limit);
    if (excess <= 0) continue;
    const auto dc = log_gradient(combo, p);
    for (std::size_t d = 0; d < g.size(); ++d) {
      for (std::size_t k = 0; k < g[d].size(); ++k) g[d][k] += 2 * excess * dc[d][k];
    }
  }
  return g;
}

Json cost_json(const CostVector& v) {
  return {{"latency_s", v[0]}, {"energy_j", v[1]}, {"area_mm2", v[2]}, {"edp_js", v[0] * v[1]}};
}

}  // namespace duet::coexplore
