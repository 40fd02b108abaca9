#pragma once
// Accuracy of predictions against simulated truth: percentage errors and rank correlations
// (what matters for a search is that the evaluator orders designs as the simulator does).
#include <vector>

namespace duet {

struct PredictionMetrics {
  double mape_percent = 0;     // mean |pred - truth| / truth, in percent
  double max_ape_percent = 0;  // the worst sample
  double spearman = 0;         // rank correlation (ties get their average rank)
  double kendall_tau_b = 0;    // pair-order agreement, tie-corrected
};

// Throws std::invalid_argument if the sizes differ or there are fewer than 2 samples.
PredictionMetrics prediction_metrics(const std::vector<double>& predicted,
                                     const std::vector<double>& truth);

double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b);
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace duet
