#include "sim/dse/sampled_hardware.hpp"

#include "sim/hardware_dimensions.hpp"
#include "workloads/input_error.hpp"

namespace duet {

Json hardware_dimension_value(const AcceleratorConfig& c, const std::string& dimension) {
  return hardware_dimension_spec(dimension).get(c);
}

std::vector<std::string> fixed_field_differences(const AcceleratorConfig& base,
                                                 const AcceleratorConfig& config,
                                                 const SearchSpace& space) {
  // Give `base` the config's searched values, then every remaining difference is a fixed field.
  AcceleratorConfig a = base;
  SearchSpace config_only = space;
  Sample pick;
  for (auto& dim : config_only.hardware) {
    dim.values = {hardware_dimension_value(config, dim.name)};
    pick.hardware.push_back(0);
  }
  a = sampled_accelerator(a, config_only, pick);
  const AcceleratorConfig& b = config;
  std::vector<std::string> differ;
  auto check = [&](bool same, const char* field) {
    if (!same) differ.emplace_back(field);
  };
  check(a.clock_ghz == b.clock_ghz, "clock_ghz");
  check(a.technology_nm == b.technology_nm, "technology_nm");
  check(a.weight_type == b.weight_type && a.activation_type == b.activation_type &&
            a.accumulator_type == b.accumulator_type,
        "data_types");
  check(a.pe_rows == b.pe_rows && a.pe_cols == b.pe_cols, "pe_array.rows/cols");
  check(a.dataflow == b.dataflow, "pe_array.dataflow");
  check(a.register_file_bytes == b.register_file_bytes, "pe_array.register_file_bytes");
  check(a.buffer_kib == b.buffer_kib, "global_buffer.size_kib");
  check(a.buffer_banks == b.buffer_banks, "global_buffer.banks");
  check(a.bank_width_bytes == b.bank_width_bytes, "global_buffer.bank_width_bytes");
  check(a.partition.ifmap == b.partition.ifmap && a.partition.filter == b.partition.filter &&
            a.partition.ofmap == b.partition.ofmap,
        "global_buffer.partition");
  check(a.double_buffered == b.double_buffered, "global_buffer.double_buffered");
  check(a.dram_kind == b.dram_kind, "dram.kind");
  check(a.dram_bandwidth_gbps == b.dram_bandwidth_gbps, "dram.bandwidth_gbps");
  check(a.dram_latency_ns == b.dram_latency_ns, "dram.latency_ns");
  check(a.sfu_kind == b.sfu_kind, "sfu.kind");
  check(a.sfu_lanes == b.sfu_lanes, "sfu.lanes");
  check(a.sfu_pipeline_depth == b.sfu_pipeline_depth, "sfu.pipeline_depth");
  check(a.sfu_lut_entries == b.sfu_lut_entries, "sfu.lut_entries");
  check(a.sfu_lut_precision == b.sfu_lut_precision, "sfu.lut_precision");
  return differ;
}

AcceleratorConfig sampled_accelerator(const AcceleratorConfig& base, const SearchSpace& space,
                                      const Sample& sample) {
  AcceleratorConfig c = base;
  c.name = space.name + "#" + std::to_string(sample.index);
  for (std::size_t d = 0; d < space.hardware.size(); ++d) {
    try {
      hardware_dimension_spec(space.hardware[d].name)
          .set(c, space.hardware[d].values.at(sample.hardware.at(d)));
    } catch (const InputError& e) {
      throw InputError(space.path + ": hardware." + space.hardware[d].name + ": " + e.what());
    }
  }
  return c;
}

}  // namespace duet
