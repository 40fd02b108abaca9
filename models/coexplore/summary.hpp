#pragma once
// Study results: the accuracy x log10(EDP) hypervolume and the Pareto front over points.
#include <vector>

namespace duet::coexplore {

struct Design {
  double accuracy = 0;  // test, 0-1 (higher is better)
  double edp_js = 0;    // simulated (lower is better)
};

// Area dominated by `designs` between them and the reference point, in accuracy x log10(EDP)
// units; designs no better than the reference on both axes add nothing.
double hypervolume(const std::vector<Design>& designs, const Design& reference);
// True where no other design is at least as good on both axes and better on one.
std::vector<bool> pareto_optimal(const std::vector<Design>& designs);
// Accuracy windows below accuracy-first's accuracy, in points, for edp_at_accuracy (#22); the
// names of summary.json's keys.
inline constexpr const char* kAccuracyWindows[] = {"0.25", "0.5", "1.0"};
// The lowest EDP among designs at least `floor` accurate; NaN when there is none.
double edp_at_accuracy(const std::vector<Design>& designs, double floor);

}  // namespace duet::coexplore
