#include "models/recast/pricing.hpp"

#include "sim/simulate.hpp"

namespace duet::recast {
namespace {

Json instance(const Workload& w, const AcceleratorConfig* config) {
  int64_t compute_layers = 0;
  for (const auto& l : w.layers) compute_layers += runs_on_pe_array(l.op) ? 1 : 0;
  Json j = {{"workload", w.name},
            {"input", w.inputs.front().shape},
            {"macs", total_macs(w)},
            {"layers", w.layers.size()},
            {"compute_layers", compute_layers}};
  if (config) {
    const Report r = simulate(*config, w);
    j["sim"] = {{"accelerator", r.accelerator},
                {"cycles", r.cycles},
                {"latency_s", r.latency_s},
                {"energy_j", r.energy_j},
                {"edp_js", r.edp_js},
                {"utilization", r.utilization},
                {"stall_cycles", r.stall_cycles},
                {"dram_read_bytes", r.dram_read_bytes},
                {"dram_write_bytes", r.dram_write_bytes}};
  }
  return j;
}

}  // namespace

Json price_network(const NetworkSpec& spec, int64_t side, const AcceleratorConfig* config) {
  return {{"input_" + std::to_string(side), instance(network_workload(spec, side, false), config)},
          {"imagenet_224", instance(network_workload(spec, 224, true), config)}};
}

}  // namespace duet::recast
