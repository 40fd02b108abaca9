#include "sim/sampled_hardware.hpp"

#include "workloads/input_error.hpp"

namespace duet {
namespace {

Dataflow to_dataflow(const std::string& s) {
  if (s == "os") return Dataflow::kOutputStationary;
  if (s == "is") return Dataflow::kInputStationary;
  return Dataflow::kWeightStationary;
}

}  // namespace

AcceleratorConfig sampled_accelerator(const AcceleratorConfig& base, const SearchSpace& space,
                                      const Sample& sample) {
  AcceleratorConfig c = base;
  c.name = space.name + "#" + std::to_string(sample.index);
  for (std::size_t d = 0; d < space.hardware.size(); ++d) {
    const std::string& name = space.hardware[d].name;
    const Json& v = space.hardware[d].values.at(sample.hardware.at(d));
    if (name == "pe_rows")
      c.pe_rows = v.get<int64_t>();
    else if (name == "pe_cols")
      c.pe_cols = v.get<int64_t>();
    else if (name == "dataflow")
      c.dataflow = to_dataflow(v.get<std::string>());
    else if (name == "buffer_kib")
      c.buffer_kib = v.get<int64_t>();
    else if (name == "banks")
      c.buffer_banks = v.get<int64_t>();
    else if (name == "register_file_bytes")
      c.register_file_bytes = v.get<int64_t>();
    else if (name == "sfu_kind")
      c.sfu_kind = parse_sfu_kind(v.get<std::string>(), space.path);
    else if (name == "sfu_lanes")
      c.sfu_lanes = v.get<int64_t>();
    else if (name == "lut_entries")
      c.sfu_lut_entries = v.get<int64_t>();
    else if (name == "dram_bandwidth_gbps")
      c.dram_bandwidth_gbps = v.get<double>();
    else
      throw InputError(space.path + ": hardware." + name + ": not a hardware dimension");
  }
  return c;
}

}  // namespace duet
