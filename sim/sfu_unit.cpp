#include "sim/sfu_unit.hpp"

#include <algorithm>
#include <cmath>

namespace duet {
namespace {

// The exact unit evaluates functions on an FP32 datapath of 2 multipliers and 2 adders per lane:
// exp by range reduction and a degree-4 polynomial, 1/x and 1/sqrt(x) by 3 Newton-Raphson
// steps, GELU in tanh form and SiLU through exp and a reciprocal.
ArithmeticCount exact_work(SfuFunction f) {
  const ArithmeticCount exp{4, 4}, reciprocal{6, 3};
  switch (f) {
    case SfuFunction::kExp:
      return exp;
    case SfuFunction::kReciprocal:
      return reciprocal;
    case SfuFunction::kRsqrt:
      return {9, 3};
    case SfuFunction::kGelu:
      return {exp.mult + reciprocal.mult + 8, exp.add + reciprocal.add + 4};
    case SfuFunction::kSilu:
      return {exp.mult + reciprocal.mult + 1, exp.add + reciprocal.add + 1};
  }
  return {};
}

// I-BERT (Kim et al., ICML 2021) on an INT32 datapath of 2 multipliers, 2 adders and a
// shift-subtract divider per lane: i-exp (scale, floor, second-order polynomial, shift),
// i-GELU (sign, clip, second-order polynomial), integer division (32 steps), and 1/sqrt as
// i-sqrt (4 Newton steps, each a division) followed by a division.
constexpr double kDivisionSteps = 32;
ArithmeticCount ibert_work(SfuFunction f) {
  switch (f) {
    case SfuFunction::kExp:
      return {4, 3};
    case SfuFunction::kGelu:
      return {3, 4};
    case SfuFunction::kReciprocal:
      return {0, kDivisionSteps};
    case SfuFunction::kRsqrt:
      return {0, 4 * (kDivisionSteps + 1) + kDivisionSteps};
    case SfuFunction::kSilu:
      return {4, 3 + kDivisionSteps};
  }
  return {};
}

}  // namespace

SfuUnit::SfuUnit(SfuKind kind, const AcceleratorConfig& config)
    : kind_(kind), depth_(config.sfu_pipeline_depth), entries_(config.sfu_lut_entries) {
  switch (kind) {
    case SfuKind::kExact:
      datapath_ = DataType::kFp32;
      break;
    case SfuKind::kNnlut:
      datapath_ = config.sfu_lut_precision;
      break;
    case SfuKind::kIbert:
      datapath_ = DataType::kInt32;
      break;
  }
}

FunctionTiming SfuUnit::timing(SfuFunction f) const {
  switch (kind_) {
    case SfuKind::kNnlut:
      // One comparator-bank lookup and one multiply-add, pipelined (Yu et al., DAC 2022).
      return {1, 2};
    case SfuKind::kExact: {
      const ArithmeticCount w = exact_work(f);
      const int64_t ii = static_cast<int64_t>(std::ceil(std::max(w.mult, w.add) / 2));
      return {ii, depth_ * static_cast<int64_t>(w.mult)};
    }
    case SfuKind::kIbert: {
      if (f == SfuFunction::kExp || f == SfuFunction::kGelu) return {2, 8};  // 4x NN-LUT's delay
      const ArithmeticCount w = ibert_work(f);
      const int64_t steps = static_cast<int64_t>(w.add + w.mult);
      return {steps, steps + 2};  // the divider is iterative, not pipelined
    }
  }
  return {};
}

ArithmeticCount SfuUnit::work(SfuFunction f) const {
  switch (kind_) {
    case SfuKind::kExact:
      return exact_work(f);
    case SfuKind::kIbert:
      return ibert_work(f);
    case SfuKind::kNnlut:
      // entries - 1 comparisons, the segment mux, one multiply and one add.
      return {1, static_cast<double>(entries_ - 1) + 2};
  }
  return {};
}

ArithmeticCount SfuUnit::lane_build() const {
  switch (kind_) {
    case SfuKind::kExact:
      return {2, 2};
    case SfuKind::kIbert:
      return {2, 3};  // two adders and the divider's subtractor
    case SfuKind::kNnlut:
      return {1, static_cast<double>(entries_ - 1) + 2};  // comparators, mux, adder
  }
  return {};
}

double SfuUnit::table_storage_bits() const {
  if (kind_ != SfuKind::kNnlut) return 0;
  // Breakpoints, slopes and intercepts, reloaded per op.
  return static_cast<double>(3 * entries_ - 1) * 8 * data_type_bytes(datapath_);
}

}  // namespace duet
