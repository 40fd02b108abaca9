#pragma once
// The points of a study, in a fixed order: one co-search per lambda, then each baseline (one
// accuracy-first point; the hardware-aware NAS and the random co-search once per lambda).
#include <string>
#include <vector>

#include "models/coexplore/study.hpp"

namespace duet::coexplore {

struct PointPlan {
  std::string id;    // "03-random": the index keeps directory listings in plan order
  std::string kind;  // coexplore or a baseline name
  double lambda = 0;
};

std::vector<PointPlan> plan_points(const Study& study);

}  // namespace duet::coexplore
