#include "models/coexplore/point_plan.hpp"

#include <cstdio>

namespace duet::coexplore {

std::vector<PointPlan> plan_points(const Study& study, const SearchSpace& space) {
  std::vector<PointPlan> plan;
  auto add = [&](const std::string& kind, double lambda, int workload) {
    char id[160];
    if (workload < 0) {
      std::snprintf(id, sizeof id, "%02zu-%s", plan.size(), kind.c_str());
    } else {
      std::snprintf(id, sizeof id, "%02zu-%s-%s", plan.size(),
                    space.network.blocks.at(0).options.at(workload).c_str(), kind.c_str());
    }
    plan.push_back({id, kind, lambda, workload});
  };
  if (study.family == "fixed") {
    // Hardware only, per workload: the gradient search per lambda, random search at the same
    // evaluator calls per lambda, and the exhaustive optimum once.
    for (int w = 0; w < static_cast<int>(space.network.blocks.at(0).options.size()); ++w) {
      for (double lambda : study.lambdas) add("coexplore", lambda, w);
      for (const auto& baseline : study.baselines) {
        if (baseline == "exhaustive") {
          add(baseline, 0, w);
        } else {
          for (double lambda : study.lambdas) add(baseline, lambda, w);
        }
      }
    }
    return plan;
  }
  for (double lambda : study.lambdas) add("coexplore", lambda, -1);
  for (const auto& baseline : study.baselines) {
    if (baseline == "accuracy-first") {
      add(baseline, 0, -1);
    } else {
      for (double lambda : study.lambdas) add(baseline, lambda, -1);
    }
  }
  return plan;
}

}  // namespace duet::coexplore
