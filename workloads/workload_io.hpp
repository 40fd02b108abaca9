#pragma once
// Loading workloads: Duet's JSON format (docs/workload-format.md), SCALE-Sim topology CSVs, and
// the zoo, behind one resolver for the CLI's --workload.
#include <string>

#include "workloads/json_reader.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/workload.hpp"
#include "workloads/zoo.hpp"

namespace duet {

Workload load_workload_json(const std::string& path);
// The same from a parsed JSON object; errors name `source`, and `default_name` names a
// workload without "name".
Workload workload_from_json(const Json& root, const std::string& source,
                            const std::string& default_name);
// docs/workload-format.md, readable by load_workload_json and `duet sim --workload`.
Json workload_to_json(const Workload& workload);
// SCALE-Sim v2 topology CSV: the conv form (Layer name, IFMAP Height, IFMAP Width, Filter
// Height, Filter Width, Channels, Num Filter, Strides) or the GEMM form (Layer, M, N, K).
Workload import_scalesim_topology(const std::string& path);
// A zoo name, a .json workload, a .csv topology or an .onnx model.
Workload load_workload(const std::string& spec, const ZooOptions& options,
                       const OnnxImportOptions& onnx = {});

}  // namespace duet
