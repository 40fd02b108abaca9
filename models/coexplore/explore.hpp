#pragma once
// `duet explore`: a co-exploration study run end to end (docs/explore.md). The evaluator is
// loaded (or generated and trained once, then cached), the supernet is warmed up once, then
// every point (a lambda of the co-search, or a baseline) is searched, derived, re-simulated on
// the SystemC model and trained from scratch. Each point is written when it finishes, so a
// killed run resumes losing at most the point in flight. Plain C++ API.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace duet::coexplore {

// (stage, done, total, note) for progress bars.
using ExploreProgress =
    std::function<void(const std::string&, int64_t, int64_t, const std::string&)>;

struct ExploreOptions {
  std::string study_path;
  std::string out_dir;
  bool quick = false;   // the study's "quick" budgets
  bool resume = false;  // keep finished points (and the warm-up) of an earlier run
  bool force = false;   // without --resume: move an earlier run's results aside and start over
  int point = 0;        // this run computes the points whose index % points == point
  int points = 1;
  bool prepare_only = false;  // evaluator and warm-up only (before worker processes start)
  int stop_after = -1;        // >= 0: stop after computing this many points (tests a kill)
  int seeds = 0;              // > 0: overrides the study's "seeds"
  bool merge_later = false;   // one seed of several: the caller merges
  bool claim = false;         // a --jobs worker: claim unfinished points, longest first, not i % N
  ExploreProgress progress;
};

struct ExploreResult {
  int computed = 0;  // points this run computed
  int reused = 0;    // points kept from an earlier run
  bool summary_written = false;
  std::string moved_aside;  // where --force moved an earlier run's results, if it did
};

// Throws InputError for a bad study, an unwritable --out, a --resume of another study, or a
// fresh run into an --out holding results without `force`. Nothing in --out is touched before
// the study, its space, its evaluator and the SFU tables have loaded.
ExploreResult run_explore(const ExploreOptions& options);

// The relaxed search driven by the evaluator's cost alone (no images): where the gradient of
// lambda * cost (+ the constraint penalty) leads alpha and beta.
struct CostOnlyResult {
  std::vector<int> blocks, hardware;
  int64_t evaluator_calls = 0;
};
CostOnlyResult search_cost_only(const std::string& study_path, const std::string& evaluator_dir,
                                double lambda, uint64_t seed);

// Removes the claims of --jobs workers (points/<id>.claim) that an earlier, killed run left,
// in every seed; the parent calls it before it starts its workers.
void clear_point_claims(const std::string& out_dir);

// Joins every point of a study's --out into summary.json and pareto.csv; InputError naming
// the points still missing. With several study seeds, each seed-<s>/ is merged, then the
// seeds are compared (seed_summary.hpp).
void merge_explore(const std::string& out_dir);

}  // namespace duet::coexplore
