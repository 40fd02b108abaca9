#include "models/coexplore/paired_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <utility>

namespace duet::coexplore {
namespace {

using Distribution = std::vector<std::pair<double, double>>;  // (mean, probability)

// Every multiset of n draws: counts[i] copies of value i, with probability
// n! / prod(counts[i]!) / n^n.
Distribution exact_bootstrap(const std::vector<double>& x) {
  const int n = static_cast<int>(x.size());
  const double log_n_fact = std::lgamma(n + 1.0), log_n = std::log(static_cast<double>(n));
  Distribution out;
  std::function<void(int, int, double, double)> place = [&](int i, int left, double sum,
                                                            double log_weight) {
    if (i == n - 1) {
      const double total = sum + left * x[static_cast<std::size_t>(i)];
      const double lw = log_weight - std::lgamma(left + 1.0);
      out.emplace_back(total / n, std::exp(log_n_fact + lw - n * log_n));
      return;
    }
    for (int c = 0; c <= left; ++c)
      place(i + 1, left - c, sum + c * x[static_cast<std::size_t>(i)],
            log_weight - std::lgamma(c + 1.0));
  };
  place(0, n, 0, 0);
  return out;
}

Distribution sampled_bootstrap(const std::vector<double>& x) {
  constexpr int kResamples = 100000;
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
  Distribution out;
  for (int r = 0; r < kResamples; ++r) {
    double sum = 0;
    for (std::size_t k = 0; k < x.size(); ++k) sum += x[pick(rng)];
    out.emplace_back(sum / static_cast<double>(x.size()), 1.0 / kResamples);
  }
  return out;
}

// The smallest mean whose cumulative probability reaches q.
double percentile(Distribution d, double q) {
  std::sort(d.begin(), d.end());
  double cumulative = 0;
  for (const auto& [mean, p] : d) {
    cumulative += p;
    if (cumulative >= q - 1e-12) return mean;
  }
  return d.back().first;
}

}  // namespace

PairedComparison compare_paired(const std::vector<double>& differences) {
  std::vector<double> x;
  for (double d : differences)
    if (std::isfinite(d)) x.push_back(d);
  PairedComparison c;
  c.seeds = static_cast<int>(x.size());
  if (x.empty()) {
    c.verdict = "n/a";
    return c;
  }
  for (double d : x) c.mean += d / static_cast<double>(x.size());
  const Distribution d = x.size() <= 12 ? exact_bootstrap(x) : sampled_bootstrap(x);
  c.low = percentile(d, 0.025);
  c.high = percentile(d, 0.975);
  c.verdict = c.low > 0 ? "win" : c.high < 0 ? "loss" : "tie";
  return c;
}

}  // namespace duet::coexplore
