// The figures a co-exploration study is judged by (issue #22), against answers computed by hand:
// the hypervolume above a floor, the Pareto flags, the lowest EDP within an accuracy window, and
// the paired bootstrap interval with its verdict.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/coexplore/paired_comparison.hpp"
#include "models/coexplore/summary.hpp"
#include "models/coexplore/surrogate_gap.hpp"

namespace duet::coexplore {
namespace {

const Design kReference{0.80, 1e-6};  // the floor: accuracy-first's 81% minus one point, say
const Design kA{0.85, 1e-8};
const Design kB{0.90, 1e-7};
const Design kBelowFloor{0.79, 1e-9};
const Design kCorner{0.95, 1e-10};

TEST(StudyMetrics, HypervolumeCountsOnlyWhatIsAboveTheFloor) {
  // A: (0.85 - 0.80) x (log10 1e-6 - log10 1e-8) = 0.05 x 2.
  EXPECT_NEAR(hypervolume({kA}, kReference), 0.10, 1e-12);
  // B adds the slab above A: (0.90 - 0.85) x (-6 - -7).
  EXPECT_NEAR(hypervolume({kA, kB}, kReference), 0.15, 1e-12);
  // A design below the accuracy floor adds nothing, however cheap.
  EXPECT_NEAR(hypervolume({kA, kB, kBelowFloor}, kReference), 0.15, 1e-12);
  // One dominating corner decides it alone: (0.95 - 0.80) x (-6 - -10).
  EXPECT_NEAR(hypervolume({kA, kB, kCorner}, kReference), 0.60, 1e-12);
  EXPECT_EQ(hypervolume({}, kReference), 0);
  EXPECT_EQ(hypervolume({{0.99, 2e-6}}, kReference), 0);  // above the EDP reference
}

TEST(StudyMetrics, ParetoFlagsKeepOnlyUndominatedDesigns) {
  const Design dominated_by_a{0.85, 2e-8};
  EXPECT_EQ(pareto_optimal({kA, kB, kBelowFloor, dominated_by_a}),
            (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(pareto_optimal({kA, kB, kBelowFloor, kCorner}),
            (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(pareto_optimal({kA, kA}), (std::vector<bool>{true, true}));  // equal, not better
}

TEST(StudyMetrics, EdpAtAccuracyTakesTheCheapestDesignInTheWindow) {
  const std::vector<Design> designs = {{0.86, 5e-9}, {0.856, 2e-9}, {0.851, 1e-9}, {0.84, 1e-10}};
  const double base = 0.86;  // accuracy-first's accuracy
  EXPECT_EQ(edp_at_accuracy(designs, base - 0.0025), 5e-9);
  EXPECT_EQ(edp_at_accuracy(designs, base - 0.005), 2e-9);
  EXPECT_EQ(edp_at_accuracy(designs, base - 0.01), 1e-9);
  EXPECT_TRUE(std::isnan(edp_at_accuracy(designs, 0.9)));
  EXPECT_TRUE(std::isnan(edp_at_accuracy({{NAN, 1e-9}}, 0.5)));  // unknown accuracy
}

TEST(StudyMetrics, BootstrapIntervalOfTwoSeedsByHand) {
  // Resamples of {0, 1}: mean 0 with probability 1/4, 0.5 with 1/2, 1 with 1/4.
  const PairedComparison c = compare_paired({0, 1});
  EXPECT_EQ(c.seeds, 2);
  EXPECT_DOUBLE_EQ(c.mean, 0.5);
  EXPECT_DOUBLE_EQ(c.low, 0);
  EXPECT_DOUBLE_EQ(c.high, 1);
  EXPECT_EQ(c.verdict, "tie");
  // Three seeds: all three draws at -1 has probability 1/27 > 2.5%, so the interval keeps it.
  const PairedComparison three = compare_paired({-1, 2, 5});
  EXPECT_DOUBLE_EQ(three.low, -1);
  EXPECT_DOUBLE_EQ(three.high, 5);
  EXPECT_EQ(three.verdict, "tie");
}

// Five seeds against every one of the 5^5 resamples, enumerated independently.
TEST(StudyMetrics, BootstrapMatchesFullEnumerationAndGivesVerdicts) {
  const std::vector<double> x = {0.3, 0.1, 0.2, 0.4, 0.25};
  std::vector<double> means;
  for (int code = 0; code < 3125; ++code) {
    double sum = 0;
    for (int k = 0, c = code; k < 5; ++k, c /= 5) sum += x[static_cast<std::size_t>(c % 5)];
    means.push_back(sum / 5);
  }
  std::sort(means.begin(), means.end());
  const double low = means[static_cast<std::size_t>(std::ceil(0.025 * 3125)) - 1];
  const double high = means[static_cast<std::size_t>(std::ceil(0.975 * 3125)) - 1];
  const PairedComparison c = compare_paired(x);
  EXPECT_NEAR(c.low, low, 1e-12);
  EXPECT_NEAR(c.high, high, 1e-12);
  EXPECT_NEAR(c.low, 0.16, 1e-12);
  EXPECT_NEAR(c.high, 0.34, 1e-12);
  EXPECT_EQ(c.verdict, "win");
  std::vector<double> negated;
  for (double v : x) negated.push_back(-v);
  EXPECT_EQ(compare_paired(negated).verdict, "loss");
  // A seed without a figure (no design in the window) is left out, not counted as zero.
  const PairedComparison missing = compare_paired({0.3, NAN, 0.1});
  EXPECT_EQ(missing.seeds, 2);
  EXPECT_DOUBLE_EQ(missing.mean, 0.2);
  EXPECT_EQ(compare_paired({NAN}).verdict, "n/a");
  // Beyond 12 seeds the resampling is drawn, with a fixed seed: same answer every time.
  const std::vector<double> many(20, 0.5);
  EXPECT_DOUBLE_EQ(compare_paired(many).low, 0.5);
  EXPECT_EQ(compare_paired(many).verdict, "win");
}

// The fresh-clone run of #22: refinement moved the point from a 0.8% / 7.4% (latency / area)
// gap to 13.0% / 17.9%. The first round is kept, and of two equally good rounds the earlier.
TEST(StudyMetrics, RefinementKeepsTheBestPredictedRound) {
  const Json first = {{"latency_s", 0.008}, {"energy_j", 0.01}, {"area_mm2", 0.074}};
  const Json second = {{"latency_s", 0.05}, {"energy_j", 0.02}, {"area_mm2", 0.09}};
  const Json third = {{"latency_s", 0.130}, {"energy_j", 0.01}, {"area_mm2", 0.179}};
  EXPECT_EQ(best_predicted_round({first, second, third}), 0u);
  EXPECT_EQ(best_predicted_round({third, second, first}), 2u);
  EXPECT_EQ(best_predicted_round({second, first, first}), 1u);
  EXPECT_DOUBLE_EQ(worst_gap(third), 0.179);
  EXPECT_TRUE(within(first, 0.08));
  EXPECT_FALSE(within(first, 0.05));
}

}  // namespace
}  // namespace duet::coexplore
