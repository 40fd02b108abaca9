#pragma once
// The points of a study, in a fixed order: one co-search per lambda, then each baseline (one
// accuracy-first point; the hardware-aware NAS and the random co-search once per lambda). A
// fixed-workload study repeats that per workload, with the exhaustive optimum once each.
#include <string>
#include <vector>

#include "models/coexplore/study.hpp"
#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

struct PointPlan {
  std::string id;    // "03-random": the index keeps directory listings in plan order
  std::string kind;  // coexplore or a baseline name
  double lambda = 0;
  int workload = -1;  // fixed family: the workload option searched; else -1
};

std::vector<PointPlan> plan_points(const Study& study, const SearchSpace& space);

}  // namespace duet::coexplore
