#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): one study point, searched, derived,
// proved (re-simulated and trained from scratch) and written to <out>/points/<id>/.
#include <string>

#include "models/coexplore/explore.hpp"
#include "models/coexplore/point_plan.hpp"
#include "models/coexplore/search.hpp"
#include "sim/accelerator_config.hpp"

namespace duet::coexplore {

struct StudyContext {
  Study study;
  SearchSpace space;
  Evaluator evaluator;
  AcceleratorConfig base;  // the space's base config; hardware dimensions override it
  SfuApproximations sfu;   // what the SFU choice does to the network's numbers
  Data data;
  std::string out_dir;
  std::string warmup_path;  // the shared warm-up checkpoint
  ExploreProgress progress;
};

// The random baseline's inherited cross-entropies (random_scores.json), computed once before
// the points so that parallel workers do not each compute them.
void prepare_random_scores(const StudyContext& context);

// Returns the point's entry for summary.json (also written as points/<id>/point.json).
Json run_point(const StudyContext& context, const PointPlan& plan);

}  // namespace duet::coexplore
