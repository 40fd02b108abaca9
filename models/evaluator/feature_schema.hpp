#pragma once
// The evaluator's input features, derived from a search space: log2 of numeric hardware
// values scaled to [0, 1] over the space's range, a one-hot per categorical hardware choice,
// and a one-hot per block choice. Every feature is linear in the per-dimension choice weights,
// so a relaxed (softmax-weighted) choice maps to features exactly as a hard one does.
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"
#include "workloads/json_reader.hpp"

namespace duet {

struct FeatureDimension {
  std::string column;         // dataset column, e.g. "hw_pe_rows" or "net_stage1.block1"
  bool numeric = false;       // one log2-scaled feature; else a one-hot over `choices`
  std::vector<Json> choices;  // the space's values (hardware) or options (blocks)
  double log2_low = 0;        // numeric: range of log2(value) over the choices
  double log2_high = 0;
  int offset = 0;  // first feature
  int width = 1;   // features used
};

class FeatureSchema {
 public:
  explicit FeatureSchema(const SearchSpace& space);
  // Throws InputError naming `where` if the JSON is not a schema written by to_json().
  static FeatureSchema from_json(const Json& json, const std::string& where);
  Json to_json() const;

  const std::string& space_name() const { return space_name_; }
  const std::vector<FeatureDimension>& dimensions() const { return dimensions_; }
  int feature_count() const { return feature_count_; }
  int choice_count() const;  // sum of the dimensions' choice counts

  // Features of a hard sample (choice indices in space order: hardware, then blocks).
  std::vector<float> encode(const Sample& sample) const;
  // Features of relaxed choices: weights[d][c] for dimension d and choice c (each row sums
  // to 1); equals encode() for one-hot weights.
  std::vector<float> encode_relaxed(const std::vector<std::vector<double>>& weights) const;
  // d(features)/d(weights) as a row-major [feature_count x choice_count] matrix, the choices
  // flattened in dimension order (valid where each row of weights sums to 1).
  std::vector<float> relaxation_matrix() const;

  // Features of explicit values (a config's hardware values and a network's block options).
  // A numeric value that is not one of the choices is placed on the log2 scale; every such
  // value is described in `off_grid` (inside the range: interpolated) or `out_of_range`.
  // A categorical value that is not a choice throws InputError naming the column.
  std::vector<float> encode_values(const std::vector<Json>& values,
                                   std::vector<std::string>& off_grid,
                                   std::vector<std::string>& out_of_range) const;

  // The space's dimensions and choices as a SearchSpace (no network definition, so it can
  // read datasets and draw samples but not build workloads).
  SearchSpace space_outline() const;

  // "" when the two schemas encode the same features, else what differs first.
  std::string difference(const FeatureSchema& other) const;

 private:
  FeatureSchema() = default;
  void lay_out();
  std::string space_name_;
  Json network_identity_;  // network_identity(space); null in schemas written before it existed
  std::vector<FeatureDimension> dimensions_;
  int feature_count_ = 0;
};

}  // namespace duet
