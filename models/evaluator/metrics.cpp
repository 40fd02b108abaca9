#include "models/evaluator/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace duet {
namespace {

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x[i] < x[j]; });
  std::vector<double> ranks(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j);
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

void check_sizes(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) {
    throw std::invalid_argument("metrics need two equally long series of at least 2 values");
  }
}

}  // namespace

double spearman_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  check_sizes(a, b);
  return pearson(average_ranks(a), average_ranks(b));
}

double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b) {
  check_sizes(a, b);
  // O(n^2) pairs: test sets are a few thousand samples, so this stays well under a second.
  double concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      const double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) {
        ++ties_a;
      } else if (db == 0) {
        ++ties_b;
      } else if ((da > 0) == (db > 0)) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  const double denominator =
      std::sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b));
  return denominator > 0 ? (concordant - discordant) / denominator : 0.0;
}

PredictionMetrics prediction_metrics(const std::vector<double>& predicted,
                                     const std::vector<double>& truth) {
  check_sizes(predicted, truth);
  PredictionMetrics m;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double ape = 100.0 * std::fabs(predicted[i] - truth[i]) / std::fabs(truth[i]);
    m.mape_percent += ape;
    m.max_ape_percent = std::max(m.max_ape_percent, ape);
  }
  m.mape_percent /= static_cast<double>(truth.size());
  m.spearman = spearman_correlation(predicted, truth);
  m.kendall_tau_b = kendall_tau_b(predicted, truth);
  return m;
}

}  // namespace duet
