#pragma once
// Piecewise-linear lookup tables (the NN-LUT format, docs/lut-format.md), shared by the
// simulator's NN-LUT unit, the fitter and the accuracy study. Pure C++: no torch.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/json_reader.hpp"

namespace duet {

enum class LutFunction { kGelu, kExp, kReciprocal, kRsqrt, kSilu, kSigmoid, kTanh };
enum class LutPrecision { kFp32, kFp16, kInt32 };
// How inputs outside the fitted interval reach it:
//  none   -- the outermost segments extend;
//  exp    -- x <= 0 is range-reduced, x = -z ln2 + p with p in (-ln2, 0]: exp(x) = LUT(p) >> z;
//  pow2   -- x = m 2^k with m in [1, 2): 1/x = LUT(m) 2^-k (sign restored for x < 0);
//  pow4   -- x = m 4^k with m in [1, 4): 1/sqrt(x) = LUT(m) 2^-k.
enum class LutScaling { kNone, kExp, kPow2, kPow4 };

const char* lut_function_name(LutFunction f);
LutFunction parse_lut_function(const std::string& name, const std::string& where);
std::vector<std::string> lut_function_names();
const char* lut_precision_name(LutPrecision p);
LutPrecision parse_lut_precision(const std::string& name, const std::string& where);
const char* lut_scaling_name(LutScaling s);

// The function a table approximates, computed exactly (double precision).
double exact_function(LutFunction f, double x);
// The scaling each function uses and the interval its table is fitted on.
LutScaling default_scaling(LutFunction f);
std::pair<double, double> fit_interval(LutFunction f);
// Where tables are judged (docs/nnlut.md): GELU/SiLU/sigmoid on [-8, 8], tanh on [-4, 4], exp on
// [-16, 0], 1/x and 1/sqrt(x) on [2^-10, 2^10] (log-spaced grid).
std::pair<double, double> evaluation_range(LutFunction f);
bool evaluation_log_spaced(LutFunction f);
// Saturating functions (sigmoid, tanh) clamp out-of-range inputs; the rest extend.
bool default_saturate(LutFunction f);
// IEEE half precision round trip (round to nearest even), for fp16 tables.
double round_to_half(double x);

struct PiecewiseLinearLut {
  LutFunction function = LutFunction::kGelu;
  LutPrecision precision = LutPrecision::kFp32;
  LutScaling scaling = LutScaling::kNone;
  double fit_lo = 0, fit_hi = 0;  // interval the table was fitted on
  bool saturate = false;          // scaling none: clamp inputs to the interval instead of extending
  std::vector<double> breakpoints;  // entries - 1, ascending
  std::vector<double> slopes;       // entries; segment i covers [breakpoints[i-1], breakpoints[i])
  std::vector<double> intercepts;   // entries
  Json fit;                         // fit statistics, kept as written

  int entries() const { return static_cast<int>(slopes.size()); }
  // The table alone, on its fitted interval's coordinates (no range reduction).
  double segment_value(double x) const;
  // The approximated function at x, with range reduction.
  double operator()(double x) const;
};

// Rounds breakpoints, slopes and intercepts to the precision (fp16: IEEE half; int32: Q15.16
// fixed point) and records it.
PiecewiseLinearLut quantized(const PiecewiseLinearLut& lut, LutPrecision precision);

// Throws InputError naming the file and field: wrong lengths, unsorted breakpoints, NaN/inf,
// values or an input range the precision cannot hold, a scaling the function does not use.
PiecewiseLinearLut load_lut(const std::string& path);
// The largest table the NN-LUT unit holds, and so the upper bound of sfu.lut_entries
// (sim/hardware_dimensions.cpp).
constexpr int kLutUnitMaxEntries = 256;
// The functions the unit evaluates from tables; a set must have one for each.
constexpr LutFunction kLutSetFunctions[] = {LutFunction::kGelu, LutFunction::kExp,
                                            LutFunction::kReciprocal, LutFunction::kRsqrt};
// A set of tables, one per function: {"gelu": "gelu-16.json", ...}, paths relative to the set's
// own file (configs/luts/default.json). Also throws InputError for a table of more than
// kLutUnitMaxEntries entries and for a set without one of kLutSetFunctions.
std::map<LutFunction, PiecewiseLinearLut> load_lut_set(const std::string& path);
Json lut_to_json(const PiecewiseLinearLut& lut);
void validate_lut(const PiecewiseLinearLut& lut, const std::string& where);

// I-BERT's integer-only approximations (Kim et al., ICML 2021), evaluated in double as their
// integer pipelines would produce: i-GELU, i-exp, and 1/sqrt through i-sqrt (integer Newton).
double ibert_gelu(double x);
double ibert_exp(double x);
double ibert_rsqrt(double x);
// I-BERT's version of a function, if it has one.
bool ibert_has(LutFunction f);
double ibert_function(LutFunction f, double x);

struct ApproximationError {
  double max_abs = 0;
  double mean_abs = 0;
  double max_rel = 0;
  double mean_rel = 0;
};
// Errors of `approx` against the exact function on `points` evenly spaced points in [lo, hi]
// (log-spaced when `log_spaced`, for 1/x and 1/sqrt(x)).
template <typename F>
ApproximationError measure_error(LutFunction f, F approx, double lo, double hi, int points,
                                 bool log_spaced);

}  // namespace duet

#include "workloads/lut_error.inl"
