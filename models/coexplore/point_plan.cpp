#include "models/coexplore/point_plan.hpp"

#include <cstdio>

namespace duet::coexplore {

std::vector<PointPlan> plan_points(const Study& study) {
  std::vector<PointPlan> plan;
  auto add = [&](const std::string& kind, double lambda) {
    char id[64];
    std::snprintf(id, sizeof id, "%02zu-%s", plan.size(), kind.c_str());
    plan.push_back({id, kind, lambda});
  };
  for (double lambda : study.lambdas) add("coexplore", lambda);
  for (const auto& baseline : study.baselines) {
    if (baseline == "accuracy-first") {
      add(baseline, 0);
    } else {
      for (double lambda : study.lambdas) add(baseline, lambda);
    }
  }
  return plan;
}

}  // namespace duet::coexplore
