#include "models/evaluator/design_prediction.hpp"

#include "sim/dse/sampled_hardware.hpp"
#include "workloads/input_error.hpp"

namespace duet {

DesignPrediction predict_design(const Evaluator& evaluator, const AcceleratorConfig& arch,
                                const std::vector<Json>& blocks, bool allow_extrapolation,
                                const std::string& where) {
  const SearchSpace& space = evaluator.space();
  std::vector<Json> values;
  for (const auto& dim : space.hardware) values.push_back(hardware_dimension_value(arch, dim.name));
  values.insert(values.end(), blocks.begin(), blocks.end());
  DesignPrediction p;
  std::vector<float> features;
  try {
    features = evaluator.schema().encode_values(values, p.interpolated, p.extrapolated);
  } catch (const InputError& e) {
    throw InputError(where + ": " + e.what());
  }
  const std::string base = evaluator.sidecar()["space"].value("base_config", "");
  if (!base.empty()) {
    // The searched dimensions were judged by their values above; these are the fixed ones.
    for (const auto& field : fixed_field_differences(load_accelerator(base), arch, space)) {
      p.extrapolated.push_back(field + " differs from the space's base config \"" + base +
                               "\", which fixed it during training");
    }
  }
  if (!p.extrapolated.empty() && !allow_extrapolation) {
    std::string list;
    for (const auto& note : p.extrapolated) list += (list.empty() ? " " : "; ") + note;
    throw InputError(where + ": outside the trained space:" + list +
                     " (--allow-extrapolation predicts anyway, with a warning)");
  }
  p.values = evaluator.predict_features(features).at(0);
  return p;
}

}  // namespace duet
