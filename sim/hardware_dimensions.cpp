#include "sim/hardware_dimensions.hpp"

#include "workloads/input_error.hpp"
#include "workloads/lut.hpp"

namespace duet {
namespace {

using Spec = HardwareDimensionSpec;

Dataflow dataflow_from(const std::string& s) {
  if (s == "os") return Dataflow::kOutputStationary;
  if (s == "is") return Dataflow::kInputStationary;
  return Dataflow::kWeightStationary;
}

}  // namespace

const std::vector<HardwareDimensionSpec>& hardware_dimension_table() {
  static const std::vector<Spec> table = {
      {"pe_rows",
       "pe_array.rows",
       Spec::kInteger,
       1,
       4096,
       {},
       [](const AcceleratorConfig& c) { return Json(c.pe_rows); },
       [](AcceleratorConfig& c, const Json& v) { c.pe_rows = v.get<int64_t>(); }},
      {"pe_cols",
       "pe_array.cols",
       Spec::kInteger,
       1,
       4096,
       {},
       [](const AcceleratorConfig& c) { return Json(c.pe_cols); },
       [](AcceleratorConfig& c, const Json& v) { c.pe_cols = v.get<int64_t>(); }},
      {"dataflow",
       "pe_array.dataflow",
       Spec::kChoice,
       0,
       0,
       {"ws", "os", "is"},
       [](const AcceleratorConfig& c) { return Json(dataflow_name(c.dataflow)); },
       [](AcceleratorConfig& c, const Json& v) {
         c.dataflow = dataflow_from(v.get<std::string>());
       }},
      {"buffer_kib",
       "global_buffer.size_kib",
       Spec::kInteger,
       1,
       1 << 22,
       {},
       [](const AcceleratorConfig& c) { return Json(c.buffer_kib); },
       [](AcceleratorConfig& c, const Json& v) { c.buffer_kib = v.get<int64_t>(); }},
      {"banks",
       "global_buffer.banks",
       Spec::kInteger,
       1,
       4096,
       {},
       [](const AcceleratorConfig& c) { return Json(c.buffer_banks); },
       [](AcceleratorConfig& c, const Json& v) { c.buffer_banks = v.get<int64_t>(); }},
      {"register_file_bytes",
       "pe_array.register_file_bytes",
       Spec::kInteger,
       1,
       1 << 20,
       {},
       [](const AcceleratorConfig& c) { return Json(c.register_file_bytes); },
       [](AcceleratorConfig& c, const Json& v) { c.register_file_bytes = v.get<int64_t>(); }},
      {"sfu_kind",
       "sfu.kind",
       Spec::kChoice,
       0,
       0,
       {"exact", "nnlut", "ibert"},
       [](const AcceleratorConfig& c) { return Json(sfu_kind_name(c.sfu_kind)); },
       [](AcceleratorConfig& c, const Json& v) {
         c.sfu_kind = parse_sfu_kind(v.get<std::string>(), "sfu.kind");
       }},
      {"sfu_lanes",
       "sfu.lanes",
       Spec::kInteger,
       1,
       4096,
       {},
       [](const AcceleratorConfig& c) { return Json(c.sfu_lanes); },
       [](AcceleratorConfig& c, const Json& v) { c.sfu_lanes = v.get<int64_t>(); }},
      {"lut_entries",
       "sfu.lut_entries",
       Spec::kInteger,
       2,
       kLutUnitMaxEntries,
       {},
       [](const AcceleratorConfig& c) { return Json(c.sfu_lut_entries); },
       [](AcceleratorConfig& c, const Json& v) { c.sfu_lut_entries = v.get<int64_t>(); }},
      {"dram_bandwidth_gbps",
       "dram.bandwidth_gbps",
       Spec::kNumber,
       0.1,
       10000.0,
       {},
       [](const AcceleratorConfig& c) { return Json(c.dram_bandwidth_gbps); },
       [](AcceleratorConfig& c, const Json& v) { c.dram_bandwidth_gbps = v.get<double>(); }},
  };
  return table;
}

std::vector<std::string> hardware_dimension_names() {
  std::vector<std::string> names;
  for (const auto& spec : hardware_dimension_table()) names.push_back(spec.name);
  return names;
}

const HardwareDimensionSpec& hardware_dimension_spec(const std::string& name) {
  for (const auto& spec : hardware_dimension_table()) {
    if (name == spec.name) return spec;
  }
  std::string names;
  for (const auto& n : hardware_dimension_names()) names += (names.empty() ? "" : ", ") + n;
  throw InputError("\"" + name + "\" is not a hardware dimension (allowed: " + names + ")");
}

}  // namespace duet
