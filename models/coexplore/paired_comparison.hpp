#pragma once
// Comparing two methods paired by study seed (issue #22): the mean of the per-seed differences,
// its 95% bootstrap interval, and a verdict that claims a win only when the interval excludes 0.
#include <string>
#include <vector>

namespace duet::coexplore {

struct PairedComparison {
  int seeds = 0;  // differences that were defined (NaN ones are left out)
  double mean = 0;
  double low = 0;       // 2.5th percentile of the bootstrap distribution of the mean
  double high = 0;      // 97.5th percentile
  std::string verdict;  // win (low > 0), loss (high < 0), tie, or "n/a" without differences
};

// `differences[i]` is method minus baseline at seed i, positive where the method is better.
// The bootstrap distribution of the mean is exact: every multiset of n draws from the n
// differences, weighted by its multinomial probability (126 of them for 5 seeds), so the
// interval is reproducible and checkable by hand; beyond 12 seeds, 100,000 resamples drawn
// with a fixed seed.
PairedComparison compare_paired(const std::vector<double>& differences);

}  // namespace duet::coexplore
