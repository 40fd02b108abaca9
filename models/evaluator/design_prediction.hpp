#pragma once
// The evaluator's prediction for an explicit design (a full accelerator config and one option
// per block) and the policy for designs off the trained grid: numeric values between trained
// ones are interpolated on the log2 scale and noted; values outside the trained range, or
// fields the space held fixed at other values, are extrapolation, refused unless allowed.
// `duet evaluator predict` and library users share this one rule. Plain C++ API.
#include <string>
#include <vector>

#include "models/evaluator/evaluator.hpp"
#include "sim/accelerator_config.hpp"

namespace duet {

struct DesignPrediction {
  CostVector values{};
  std::vector<std::string> interpolated;  // one note per value between trained values
  std::vector<std::string> extrapolated;  // one note per value outside the trained space
};

// `blocks`: one option name per block of the evaluator's space, in order. Throws InputError
// starting with `where` for a categorical value the space never had, and, unless
// `allow_extrapolation`, for any extrapolation (listing every note).
DesignPrediction predict_design(const Evaluator& evaluator, const AcceleratorConfig& arch,
                                const std::vector<Json>& blocks, bool allow_extrapolation,
                                const std::string& where);

}  // namespace duet
