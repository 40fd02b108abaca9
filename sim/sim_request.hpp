#pragma once
// One simulation as a user describes it: which accelerator, which workload, which SFU kind and
// tables. `duet sim` and the Python package resolve it through this one function, so both
// validate alike and give the same numbers.
#include <optional>
#include <string>

#include "sim/simulate.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/zoo.hpp"

namespace duet {

struct SimRequest {
  std::string arch = "mobile";        // a shipped name, a JSON config or a SCALE-Sim .cfg
  std::optional<Json> arch_json;      // instead of `arch`: a config object
  std::string workload;               // a zoo name, a .json, a .csv topology or an .onnx
  std::optional<Json> workload_json;  // instead of `workload`: a workload object
  ZooOptions zoo;
  OnnxImportOptions onnx;
  std::string nonlinear;  // exact, nnlut or ibert: the SFU kind and every op's impl; "" keeps
  std::string luts;       // an NN-LUT table set: sizes the unit (entries, precision)
  std::string schedule;   // sequential or overlap; "" keeps the config's (sequential with
                          // options.ideal_memory)
  SimOptions options;
};

// "fast" or "cycle"; throws InputError naming `where` otherwise.
Fidelity parse_fidelity(const std::string& name, const std::string& where);

AcceleratorConfig request_accelerator(const SimRequest& request);
Workload request_workload(const SimRequest& request);
// Throws InputError naming the option or file for anything invalid.
Report run_sim_request(const SimRequest& request);

}  // namespace duet
