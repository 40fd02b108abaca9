#include "models/recast/pricing.hpp"

#include "sim/simulate.hpp"

namespace duet::recast {
namespace {

Json pair(const std::array<int64_t, 2>& v) { return Json::array({v[0], v[1]}); }

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

Json workload_to_json(const Workload& w) {
  Json inputs = Json::object();
  for (const auto& in : w.inputs) inputs[in.name] = in.shape;
  Json layers = Json::array();
  for (const auto& l : w.layers) {
    Json j = {{"name", l.name}, {"op", op_name(l.op)}, {"inputs", l.inputs}};
    switch (l.op) {
      case OpKind::kConv2d:
        j["out_channels"] = l.out_channels;
        if (l.groups != 1) j["groups"] = l.groups;
        [[fallthrough]];
      case OpKind::kMaxPool:
      case OpKind::kAvgPool:
        j["kernel"] = pair(l.kernel);
        j["stride"] = pair(l.stride);
        j["padding"] = Json::array({l.padding[0], l.padding[1], l.padding[2], l.padding[3]});
        break;
      case OpKind::kGemm:
        j["out_features"] = l.out_features;
        break;
      case OpKind::kReshape:
        j["shape"] = l.target_shape;
        break;
      default:
        break;
    }
    layers.push_back(j);
  }
  return {{"name", w.name}, {"inputs", inputs}, {"layers", layers}};
}

Json price_network(const NetworkSpec& spec, int64_t side, const AcceleratorConfig* config) {
  return {{"input_" + std::to_string(side), instance(network_workload(spec, side, false), config)},
          {"imagenet_224", instance(network_workload(spec, 224, true), config)}};
}

}  // namespace duet::recast
