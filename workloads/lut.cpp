#include "workloads/lut.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

struct FunctionInfo {
  LutFunction function;
  const char* name;
  LutScaling scaling;
  double lo, hi;
  bool saturate;
};

const FunctionInfo kFunctions[] = {
    {LutFunction::kGelu, "gelu", LutScaling::kNone, -8.0, 8.0, false},
    {LutFunction::kExp, "exp", LutScaling::kExp, -M_LN2, 0.0, false},
    {LutFunction::kReciprocal, "reciprocal", LutScaling::kPow2, 1.0, 2.0, false},
    {LutFunction::kRsqrt, "rsqrt", LutScaling::kPow4, 1.0, 4.0, false},
    {LutFunction::kSilu, "silu", LutScaling::kNone, -8.0, 8.0, false},
    {LutFunction::kSigmoid, "sigmoid", LutScaling::kNone, -8.0, 8.0, true},
    {LutFunction::kTanh, "tanh", LutScaling::kNone, -4.0, 4.0, true},
};

const FunctionInfo& info(LutFunction f) {
  for (const auto& i : kFunctions) {
    if (i.function == f) return i;
  }
  return kFunctions[0];
}

const char* const kPrecisions[] = {"fp32", "fp16", "int32"};
const char* const kScalings[] = {"none", "exp", "pow2", "pow4"};
constexpr double kFixedPointOne = 65536.0;  // int32 tables are Q15.16

double round_to_precision(double x, LutPrecision p) {
  switch (p) {
    case LutPrecision::kFp32:
      return static_cast<double>(static_cast<float>(x));
    case LutPrecision::kFp16:
      return round_to_half(x);
    case LutPrecision::kInt32: {
      const double limit = static_cast<double>(std::numeric_limits<int32_t>::max());
      return std::clamp(std::nearbyint(x * kFixedPointOne), -limit, limit) / kFixedPointOne;
    }
  }
  return x;
}

std::vector<double> finite_list(ObjectReader& r, const std::string& key) {
  const Json& v = r.raw(key);
  if (!v.is_array()) r.fail(key, "expected a list of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    // JSON cannot hold NaN; nlohmann writes it as null, so null means NaN here.
    if (!v[i].is_number()) {
      r.fail(key + "[" + std::to_string(i) + "]",
             v[i].is_null() ? "NaN or missing number" : "expected a number");
    }
    out.push_back(v[i].get<double>());
  }
  return out;
}

}  // namespace

double round_to_half(double value) {
  // Round through the half-precision grid: 10 mantissa bits, exponents -14..15, subnormals.
  if (!std::isfinite(value) || value == 0.0) return value;
  const double magnitude = std::abs(value);
  if (magnitude >= 65520.0) return std::copysign(INFINITY, value);
  int exponent = std::ilogb(magnitude);
  exponent = std::max(exponent, -14);
  const double quantum = std::ldexp(1.0, exponent - 10);
  return std::copysign(std::nearbyint(magnitude / quantum) * quantum, value);
}

const char* lut_function_name(LutFunction f) { return info(f).name; }

std::vector<std::string> lut_function_names() {
  std::vector<std::string> names;
  for (const auto& i : kFunctions) names.emplace_back(i.name);
  return names;
}

LutFunction parse_lut_function(const std::string& name, const std::string& where) {
  for (const auto& i : kFunctions) {
    if (name == i.name) return i.function;
  }
  throw InputError(where + ": unknown function \"" + name +
                   "\" (allowed: " + join_list(lut_function_names()) + ")");
}

const char* lut_precision_name(LutPrecision p) { return kPrecisions[static_cast<int>(p)]; }

LutPrecision parse_lut_precision(const std::string& name, const std::string& where) {
  for (int i = 0; i < 3; ++i) {
    if (name == kPrecisions[i]) return static_cast<LutPrecision>(i);
  }
  throw InputError(where + ": unknown precision \"" + name + "\" (allowed: fp32, fp16, int32)");
}

const char* lut_scaling_name(LutScaling s) { return kScalings[static_cast<int>(s)]; }

LutScaling default_scaling(LutFunction f) { return info(f).scaling; }
std::pair<double, double> fit_interval(LutFunction f) { return {info(f).lo, info(f).hi}; }
bool default_saturate(LutFunction f) { return info(f).saturate; }

std::pair<double, double> evaluation_range(LutFunction f) {
  switch (f) {
    case LutFunction::kExp:
      return {-16.0, 0.0};
    case LutFunction::kReciprocal:
    case LutFunction::kRsqrt:
      return {std::ldexp(1.0, -10), std::ldexp(1.0, 10)};
    default:
      return fit_interval(f);
  }
}

bool evaluation_log_spaced(LutFunction f) {
  return f == LutFunction::kReciprocal || f == LutFunction::kRsqrt;
}

double exact_function(LutFunction f, double x) {
  switch (f) {
    case LutFunction::kGelu:
      return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case LutFunction::kExp:
      return std::exp(x);
    case LutFunction::kReciprocal:
      return 1.0 / x;
    case LutFunction::kRsqrt:
      return 1.0 / std::sqrt(x);
    case LutFunction::kSilu:
      return x / (1.0 + std::exp(-x));
    case LutFunction::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case LutFunction::kTanh:
      return std::tanh(x);
  }
  return 0;
}

double PiecewiseLinearLut::segment_value(double x) const {
  if (saturate) x = std::clamp(x, fit_lo, fit_hi);
  const auto segment =
      std::upper_bound(breakpoints.begin(), breakpoints.end(), x) - breakpoints.begin();
  const double y = slopes[segment] * x + intercepts[segment];
  // The datapath computes at the table's precision.
  return precision == LutPrecision::kFp32 ? y : round_to_precision(y, precision);
}

double PiecewiseLinearLut::operator()(double x) const {
  switch (scaling) {
    case LutScaling::kNone:
      return segment_value(x);
    case LutScaling::kExp: {
      // Softmax subtracts the row maximum first, so inputs are <= 0; larger ones saturate at 1.
      x = std::min(x, 0.0);
      const double z = std::floor(-x / M_LN2);
      const double p = x + z * M_LN2;  // in (-ln2, 0]
      return std::ldexp(segment_value(p), -static_cast<int>(std::min(z, 1100.0)));
    }
    case LutScaling::kPow2: {
      if (x == 0.0) return std::copysign(INFINITY, x);
      int k = 0;
      const double m = 2.0 * std::frexp(std::abs(x), &k);  // |x| = m 2^(k-1), m in [1, 2)
      return std::copysign(std::ldexp(segment_value(m), -(k - 1)), x);
    }
    case LutScaling::kPow4: {
      if (!(x > 0.0)) return INFINITY;  // LayerNorm adds epsilon, so x > 0 there
      int k = 0;
      std::frexp(x, &k);                                             // x = f 2^k, f in [0.5, 1)
      const int half = static_cast<int>(std::floor((k - 1) / 2.0));  // x = m 4^half, m in [1, 4)
      const double m = std::ldexp(x, -2 * half);
      return std::ldexp(segment_value(m), -half);
    }
  }
  return 0;
}

PiecewiseLinearLut quantized(const PiecewiseLinearLut& lut, LutPrecision precision) {
  PiecewiseLinearLut q = lut;
  q.precision = precision;
  auto round_all = [&](std::vector<double>& values) {
    for (double& v : values) v = round_to_precision(v, precision);
  };
  round_all(q.breakpoints);
  round_all(q.slopes);
  round_all(q.intercepts);
  // Rounding may make neighbours equal but never reorders them.
  return q;
}

namespace {

// Largest magnitude each precision holds: fp32 and fp16 overflow to infinity beyond their largest
// finite value, and Q15.16 holds [-2^15, 2^15).
double precision_limit(LutPrecision p) {
  return p == LutPrecision::kFp32   ? 3.4028234663852886e38
         : p == LutPrecision::kFp16 ? 65504.0
                                    : 32768.0;
}

const char* precision_bound_text(LutPrecision p) {
  return p == LutPrecision::kFp32   ? "[-3.4e38, 3.4e38]"
         : p == LutPrecision::kFp16 ? "[-65504, 65504]"
                                    : "[-32768, 32768)";
}

bool fits_precision(double v, LutPrecision p) {
  const double limit = precision_limit(p);
  return p == LutPrecision::kInt32 ? v >= -limit && v < limit : std::abs(v) <= limit;
}

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

void check_lengths(const PiecewiseLinearLut& lut, const std::string& where) {
  const std::size_t n = lut.slopes.size();
  if (n < 2) throw InputError(where + ": slopes: a table needs at least 2 entries");
  if (lut.intercepts.size() != n) {
    throw InputError(where + ": intercepts: expected " + std::to_string(n) +
                     " values (one per entry), got " + std::to_string(lut.intercepts.size()));
  }
  if (lut.breakpoints.size() != n - 1) {
    throw InputError(where + ": breakpoints: expected " + std::to_string(n - 1) +
                     " values (entries - 1), got " + std::to_string(lut.breakpoints.size()));
  }
}

// Each value must exist in the table's precision, or the datapath would hold something else.
void check_values(const PiecewiseLinearLut& lut, const std::vector<double>& v, const char* name,
                  const std::string& where) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string field = where + ": " + name + "[" + std::to_string(i) + "]";
    if (!std::isfinite(v[i])) throw InputError(field + " is not finite");
    if (!fits_precision(v[i], lut.precision)) {
      throw InputError(field + " (" + number_text(v[i]) + ") does not fit " +
                       lut_precision_name(lut.precision) + " (range " +
                       precision_bound_text(lut.precision) + ")");
    }
  }
}

// Each range reduction rests on an identity of its own function (exp(a + b) = exp(a) exp(b),
// 1/(m 2^k) = 2^-k / m, ...): on any other function it computes something else entirely.
void check_scaling(const PiecewiseLinearLut& lut, const std::string& where) {
  const LutScaling allowed = default_scaling(lut.function);
  if (lut.scaling != allowed) {
    throw InputError(where + ": scaling.kind: \"" + lut_scaling_name(lut.scaling) +
                     "\" does not apply to " + lut_function_name(lut.function) +
                     " (allowed: " + lut_scaling_name(allowed) + ")");
  }
}

// Saturating inputs are compared with the interval's ends in the table's precision, and fitters
// and evaluators step across it as lo + (hi - lo) t: the ends and the width must all fit it.
void check_input_range(const PiecewiseLinearLut& lut, const std::string& where) {
  const double lo = lut.fit_lo, hi = lut.fit_hi;
  const LutPrecision p = lut.precision;
  if (!std::isfinite(lo) || !std::isfinite(hi) || !fits_precision(lo, p) ||
      !fits_precision(hi, p) || !fits_precision(hi - lo, p)) {
    throw InputError(where + ": scaling.input_range: [" + number_text(lo) + ", " + number_text(hi) +
                     "] does not fit " + lut_precision_name(p) +
                     " (lo, hi and hi - lo must be finite and in " + precision_bound_text(p) + ")");
  }
  if (!(lo < hi)) throw InputError(where + ": scaling.input_range must be [lo, hi] with lo < hi");
}

}  // namespace

void validate_lut(const PiecewiseLinearLut& lut, const std::string& where) {
  check_lengths(lut, where);
  check_values(lut, lut.breakpoints, "breakpoints", where);
  check_values(lut, lut.slopes, "slopes", where);
  check_values(lut, lut.intercepts, "intercepts", where);
  for (std::size_t i = 1; i < lut.breakpoints.size(); ++i) {
    if (lut.breakpoints[i] < lut.breakpoints[i - 1]) {
      throw InputError(where + ": breakpoints[" + std::to_string(i) + "] (" +
                       std::to_string(lut.breakpoints[i]) + ") is smaller than breakpoints[" +
                       std::to_string(i - 1) + "]: breakpoints must be ascending");
    }
  }
  check_scaling(lut, where);
  check_input_range(lut, where);
}

Json lut_to_json(const PiecewiseLinearLut& lut) {
  nlohmann::ordered_json j;
  j["function"] = lut_function_name(lut.function);
  j["entries"] = lut.entries();
  j["precision"] = lut_precision_name(lut.precision);
  j["breakpoints"] = lut.breakpoints;
  j["slopes"] = lut.slopes;
  j["intercepts"] = lut.intercepts;
  j["scaling"] = {{"kind", lut_scaling_name(lut.scaling)},
                  {"input_range", {lut.fit_lo, lut.fit_hi}},
                  {"out_of_range", lut.saturate ? "saturate" : "extend"}};
  j["fit"] = lut.fit.is_null() ? Json::object() : lut.fit;
  return Json::parse(j.dump());
}

PiecewiseLinearLut load_lut(const std::string& path) {
  Json root = read_json_file(path);
  ObjectReader r(root, path);
  PiecewiseLinearLut lut;
  lut.function = parse_lut_function(r.string("function"), path + ": function");
  const int64_t entries = r.integer("entries", 2, 4096);
  lut.precision = parse_lut_precision(r.string("precision"), path + ": precision");
  lut.breakpoints = finite_list(r, "breakpoints");
  lut.slopes = finite_list(r, "slopes");
  lut.intercepts = finite_list(r, "intercepts");
  if (static_cast<int64_t>(lut.slopes.size()) != entries) {
    r.fail("slopes", "expected " + std::to_string(entries) + " values (entries), got " +
                         std::to_string(lut.slopes.size()));
  }
  ObjectReader scaling = r.object("scaling");
  const std::string kind = scaling.choice("kind", {"none", "exp", "pow2", "pow4"});
  for (int i = 0; i < 4; ++i) {
    if (kind == kScalings[i]) lut.scaling = static_cast<LutScaling>(i);
  }
  const Json& range = scaling.raw("input_range");
  if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number()) {
    scaling.fail("input_range", "expected [lo, hi]");
  }
  lut.fit_lo = range[0].get<double>();
  lut.fit_hi = range[1].get<double>();
  lut.saturate = scaling.choice_or("out_of_range", "extend", {"extend", "saturate"}) == "saturate";
  scaling.reject_unknown_keys();
  if (r.has("fit")) lut.fit = r.raw("fit");
  r.reject_unknown_keys({"description"});
  validate_lut(lut, path);
  return lut;
}

namespace {

PiecewiseLinearLut load_set_table(const std::string& set_path, const std::string& key,
                                  const Json& file) {
  const LutFunction f = parse_lut_function(key, set_path);
  if (!file.is_string()) throw InputError(set_path + ": " + key + ": expected a file name");
  const std::filesystem::path dir = std::filesystem::path(set_path).parent_path();
  const std::string table_path = (dir / file.get<std::string>()).string();
  PiecewiseLinearLut lut = load_lut(table_path);
  if (lut.function != f) {
    throw InputError(set_path + ": " + key + ": table is for " + lut_function_name(lut.function));
  }
  // The set sizes the unit's comparator bank, which sfu.lut_entries caps.
  if (lut.entries() > kLutUnitMaxEntries) {
    throw InputError(set_path + ": " + key + ": " + table_path + " has " +
                     std::to_string(lut.entries()) + " entries (allowed: 2 to " +
                     std::to_string(kLutUnitMaxEntries) + ", the NN-LUT unit's sfu.lut_entries)");
  }
  return lut;
}

// The unit reloads a table for every GELU, Softmax (exp, then 1/x) and LayerNorm (1/sqrt(x)): a
// set without one of them cannot run those ops, and the unit would be sized without that table.
void check_set_complete(const std::map<LutFunction, PiecewiseLinearLut>& set,
                        const std::string& path) {
  std::vector<std::string> missing;
  for (LutFunction f : kLutSetFunctions) {
    if (!set.count(f)) missing.emplace_back(lut_function_name(f));
  }
  if (!missing.empty()) {
    throw InputError(path + ": missing " + join_list(missing) +
                     " (a set lists a table for each of gelu, exp, reciprocal, rsqrt)");
  }
}

}  // namespace

std::map<LutFunction, PiecewiseLinearLut> load_lut_set(const std::string& path) {
  Json root = read_json_file(path);
  if (!root.is_object()) throw InputError(path + ": expected an object of function: table file");
  std::map<LutFunction, PiecewiseLinearLut> set;
  for (const auto& item : root.items()) {
    if (item.key() == "description") continue;
    PiecewiseLinearLut lut = load_set_table(path, item.key(), item.value());
    set.emplace(lut.function, std::move(lut));
  }
  check_set_complete(set, path);
  return set;
}

double ibert_gelu(double x) {
  const double a = -0.2888, b = -1.769;
  const double u = x / std::sqrt(2.0);
  const double erf = std::copysign(a * std::pow(std::min(std::abs(u), -b) + b, 2) + 1.0, u);
  return 0.5 * x * (1.0 + erf);
}

double ibert_exp(double x) {
  x = std::min(x, 0.0);
  const double z = std::floor(-x / M_LN2);
  const double p = x + z * M_LN2;
  const double l = 0.3585 * (p + 1.353) * (p + 1.353) + 0.344;
  return std::ldexp(l, -static_cast<int>(std::min(z, 1100.0)));
}

double ibert_rsqrt(double x) {
  // I-BERT's i-sqrt is an integer Newton iteration for floor(sqrt(n)); we feed it x in Q15.16
  // fixed point and return 1/sqrt(x) = 2^8 / floor(sqrt(n)).
  // INT32 saturates, as the integer pipeline would.
  const double n = std::min(std::floor(x * kFixedPointOne),
                            static_cast<double>(std::numeric_limits<int32_t>::max()));
  if (n < 1) return INFINITY;
  int64_t r = static_cast<int64_t>(std::sqrt(n));
  while (r * r > static_cast<int64_t>(n)) --r;
  while ((r + 1) * (r + 1) <= static_cast<int64_t>(n)) ++r;
  return 256.0 / static_cast<double>(r);
}

bool ibert_has(LutFunction f) {
  return f == LutFunction::kGelu || f == LutFunction::kExp || f == LutFunction::kRsqrt;
}

double ibert_function(LutFunction f, double x) {
  switch (f) {
    case LutFunction::kGelu:
      return ibert_gelu(x);
    case LutFunction::kExp:
      return ibert_exp(x);
    case LutFunction::kRsqrt:
      return ibert_rsqrt(x);
    default:
      return exact_function(f, x);
  }
}

}  // namespace duet
