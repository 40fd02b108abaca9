#pragma once
// A co-exploration study (docs/explore.md): the space, the evaluator to search through, the
// objective, the lambda sweep, hard constraints, budgets and baselines. Plain C++.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/json_reader.hpp"

namespace duet::coexplore {

// Metrics a constraint or the objective can name (units in the names).
const std::vector<std::string>& metric_names();

struct Constraint {
  std::string metric;  // one of metric_names()
  double limit = 0;    // upper limit, in the metric's unit
};

// log(cost) = latency·log(latency_s) + energy·log(energy_j) + area·log(area_mm2).
struct Objective {
  std::string kind = "edp";  // edp, edap or weighted
  std::array<double, 3> weights = {1, 1, 0};
};

// Where the study's evaluator lives; when `dir` holds no evaluator, the study generates
// `samples` simulations and trains one there with these sizes.
struct EvaluatorPlan {
  std::string dir;
  int64_t samples = 20000;
  int epochs = 300;
  uint64_t seed = 0;
};

struct Budget {
  int64_t train_images = 10000;  // supernet weights and derived networks
  int64_t search_images = 5000;  // held-out split for alpha/beta steps (and random scoring)
  int64_t test_images = 10000;   // derived networks' test accuracy
  int warmup_epochs = 3;         // weights only, shared by every point
  int search_epochs = 2;         // alternating weight / architecture steps
  int derived_epochs = 4;        // derived network trained from scratch
  // Times each derived network is trained from scratch, with different seeds; its accuracy
  // is their mean. Training noise at these budgets is about half a point, as large as the
  // differences a Pareto comparison weighs.
  int derived_seeds = 1;
  int64_t batch = 128;
  double weight_learning_rate = 2e-3;    // Adam, cosine decay
  double arch_learning_rate = 5e-2;      // Adam on alpha
  double hardware_learning_rate = 1e-1;  // Adam on beta
  double temperature_start = 5.0;        // Gumbel-softmax, annealed geometrically
  double temperature_end = 0.5;
  int64_t paths_per_step = 4;    // paths an alpha step samples for its accuracy gradient
  int64_t random_samples = 256;  // random co-search and evolution: (network, hardware) pairs scored
  int64_t evolution_population = 16;  // aging evolution: members kept
  int64_t evolution_tournament = 4;   // members drawn to pick each parent
  int64_t score_images = 1000;        // held-out images that score a random pair's accuracy
  // Constraint penalty weight (per unit of squared log-violation) during the search.
  double constraint_weight = 10.0;
};

// Generator mode: the hardware generation network's training and its check against the
// exhaustive optimum (docs/explore.md, "Generator mode").
struct GeneratorPlan {
  int64_t train_networks = 1000;  // sampled networks labelled with their best hardware
  int64_t check_networks = 200;   // held-out networks of the check
  int epochs = 300;
  int64_t hidden = 128;
  int64_t check_top = 10;   // evaluator's top designs re-simulated per check network
  double tolerance = 0.05;  // generated objective within this of the exhaustive optimum
};

struct Study {
  std::string path;
  std::string name;
  std::string space_path;
  std::string family;  // the space's network family: mbconv (supernet) or fixed (hardware only)
  EvaluatorPlan evaluator;
  Objective objective;
  std::vector<double> lambdas;
  std::vector<Constraint> constraints;
  std::string hardware_mode = "logits";  // logits or generator
  GeneratorPlan generator;
  Budget budget;
  std::vector<std::string> baselines;  // baseline_names(family)
  double surrogate_tolerance = 0.05;   // predicted vs simulated, relative
  // The hardware step every method ends with (#22): the evaluator's best grid points for the
  // derived network, this many, are simulated beside the method's own pick.
  int64_t final_hardware_top = 5;
  // When a derived design's gap exceeds the tolerance: rounds of "simulate it and its
  // neighbourhood, fine-tune the evaluator on them, search again".
  int refinement_rounds = 2;
  int refinement_epochs = 30;
  int refinement_copies = 20;  // each new design's weight in the fine-tuning data
  // Reference point of the accuracy x log10(EDP) hypervolume: worse than any design counted.
  double reference_accuracy = 0.5;
  double reference_edp_js = 1e-6;
  uint64_t seed = 0;
  // Study seeds (#22): seed, seed + 1, ... each redraw the train/search split, the warm-up, the
  // path samples, the Gumbel noise and the random samples; the test set stays fixed. Methods
  // are compared paired by seed.
  int seeds = 1;
  Json resolved;  // the study as run (after --quick), recorded in summary.json
};

constexpr int kMaxStudySeeds = 100;

// mbconv: accuracy-first, hw-aware-nas-mobile, random, evolution; fixed: random, exhaustive.
const std::vector<std::string>& baseline_names(const std::string& family);

// Strict: unknown keys, out-of-range values and unknown names throw InputError naming the
// file and field. With `quick`, the study's "quick" object is merged over it first.
Study load_study(const std::string& path, bool quick);

}  // namespace duet::coexplore
