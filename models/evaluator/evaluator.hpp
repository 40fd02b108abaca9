#pragma once
// The DANCE-style neural evaluator: an MLP from search-space features to log latency, energy,
// area and power, trained in-process on simulator outputs (docs/evaluator.md). Plain C++ API;
// libtorch stays inside the .cpp files.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/evaluator/feature_schema.hpp"
#include "models/evaluator/metrics.hpp"

namespace duet {

// latency_s, energy_j, area_mm2, avg_power_w (the order of kDatasetTargets).
using CostVector = std::array<double, 4>;

struct EvaluatorTrainOptions {
  std::string data_path;
  std::string space_path;
  std::string out_dir;  // gets evaluator.pt (weights) and evaluator.json (sidecar)
  int epochs = 300;
  std::vector<int64_t> hidden = {128, 128, 128};
  uint64_t seed = 0;
  int64_t batch = 128;
  double learning_rate = 2e-3;
  // Rows whose sample index % holdout_every == holdout_every - 1 are held out for validation.
  int64_t holdout_every = 10;
  bool resume = false;  // continue from out_dir/checkpoint.pt
  // Fine-tuning: start from this evaluator's weights and keep its normalisation (its hidden
  // widths replace `hidden`).
  std::string init_from;
  // After every epoch: (epoch, epochs, train loss, validation loss), losses in normalised units.
  std::function<void(int, int, double, double)> progress;
};

struct EvaluatorTrainSummary {
  int64_t train_rows = 0;
  int64_t validation_rows = 0;
  int64_t invalid_rows = 0;
  double train_loss = 0;
  double validation_loss = 0;
  double mean_predictor_loss = 0;  // validation loss of always predicting the training mean
  int resumed_from_epoch = 0;
  double seconds = 0;
  std::array<PredictionMetrics, 4> validation{};  // per target
};

EvaluatorTrainSummary train_evaluator(const EvaluatorTrainOptions& options);

// Prediction at relaxed choices, with the gradient of each predicted target with respect to
// every choice weight: gradients[t][d][c] = d value[t] / d weights[d][c].
struct RelaxedPrediction {
  CostVector values{};
  std::array<std::vector<std::vector<double>>, 4> gradients;
};

class Evaluator {
 public:
  // Reads dir/evaluator.json and dir/evaluator.pt; throws InputError naming the file when
  // either is missing, malformed, or the two disagree.
  static Evaluator load(const std::string& dir);

  // Throws InputError saying what differs when the model was trained on another space.
  void check_space(const SearchSpace& space) const;
  const FeatureSchema& schema() const;
  const Json& sidecar() const;
  // The trained space's dimensions and choices (enough to read datasets and draw samples).
  const SearchSpace& space() const;

  // Batched: `features` holds n rows of schema().feature_count() values.
  std::vector<CostVector> predict_features(const std::vector<float>& features) const;
  std::vector<CostVector> predict(const std::vector<Sample>& samples) const;
  RelaxedPrediction predict_relaxed(const std::vector<std::vector<double>>& weights) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

struct EvaluatorTestReport {
  std::string data_path;
  int64_t invalid_rows = 0;
  std::vector<int64_t> index;  // per tested row
  std::vector<CostVector> truth;
  std::vector<CostVector> predicted;
  std::array<PredictionMetrics, 4> metrics{};
};

// Predicts every valid row of a dataset generated from the model's space.
EvaluatorTestReport test_evaluator(const Evaluator& evaluator, const std::string& data_path);

}  // namespace duet
