#include "sim/sim_request.hpp"

#include <algorithm>

#include "workloads/input_error.hpp"
#include "workloads/lut.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

// The NN-LUT unit is sized by its tables: as many comparators as the largest table needs, at the
// tables' precision.
void apply_lut_set(const std::map<LutFunction, PiecewiseLinearLut>& set, const std::string& path,
                   AcceleratorConfig& config) {
  int entries = 0;
  const LutPrecision precision = set.begin()->second.precision;
  for (const auto& [function, lut] : set) {
    entries = std::max(entries, lut.entries());
    if (lut.precision != precision) {
      throw InputError(path + ": tables mix precisions (" + lut_precision_name(precision) +
                       " and " + lut_precision_name(lut.precision) + ")");
    }
  }
  config.sfu_lut_entries = entries;
  config.sfu_lut_precision = precision == LutPrecision::kFp32   ? DataType::kFp32
                             : precision == LutPrecision::kFp16 ? DataType::kFp16
                                                                : DataType::kInt32;
}

}  // namespace

Fidelity parse_fidelity(const std::string& name, const std::string& where) {
  if (name == "fast") return Fidelity::kFast;
  if (name == "cycle") return Fidelity::kCycle;
  throw InputError(where + ": invalid value \"" + name + "\" (allowed: fast, cycle)");
}

AcceleratorConfig request_accelerator(const SimRequest& r) {
  AcceleratorConfig config =
      r.arch_json ? accelerator_config_from_json(*r.arch_json, "arch") : load_accelerator(r.arch);
  if (!r.nonlinear.empty()) config.sfu_kind = parse_sfu_kind(r.nonlinear, "--nonlinear");
  if (!r.luts.empty()) apply_lut_set(load_lut_set(r.luts), r.luts, config);
  if (!r.schedule.empty()) {
    config.schedule = parse_schedule(r.schedule, "--schedule");
  } else if (r.options.ideal_memory) {
    // The SCALE-Sim cross-checks: layers one after another, as SCALE-Sim runs them.
    config.schedule = Schedule::kSequential;
  }
  return config;
}

Workload request_workload(const SimRequest& r) {
  Workload workload = r.workload_json ? workload_from_json(*r.workload_json, "workload", "workload")
                                      : load_workload(r.workload, r.zoo, r.onnx);
  if (!r.nonlinear.empty()) set_nonlinear_impl(workload, parse_impl(r.nonlinear, "--nonlinear"));
  return workload;
}

Report run_sim_request(const SimRequest& r) {
  const AcceleratorConfig config = request_accelerator(r);
  return simulate(config, request_workload(r), r.options);
}

}  // namespace duet
