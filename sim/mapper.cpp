#include "sim/mapper.hpp"

#include <map>

#include "sim/pe_mapping.hpp"
#include "sim/sfu_mapping.hpp"

namespace duet {
namespace {

// A ReLU (or another clamp, op_descriptor.hpp) fuses into its producer's output path when it is
// the producer's only consumer and the producer writes through the PE array or the SFU's adder
// (conv, gemm, matmul, add).
std::map<std::string, std::string> fusable_relus(const Workload& workload) {
  std::map<std::string, int> consumers;
  std::map<std::string, OpKind> producer_op;
  for (const auto& layer : workload.layers) {
    producer_op[layer.name] = layer.op;
    for (const auto& in : layer.inputs) ++consumers[in];
  }
  std::map<std::string, std::string> fused;  // clamp -> producer
  for (const auto& layer : workload.layers) {
    if (!op_descriptor(layer.op).fuses_into_producer) continue;
    const std::string& in = layer.inputs[0];
    auto it = producer_op.find(in);
    if (it == producer_op.end() || consumers[in] != 1) continue;
    if (runs_on_pe_array(it->second) || it->second == OpKind::kAdd) fused[layer.name] = in;
  }
  return fused;
}

}  // namespace

std::vector<LayerPlan> map_workload(const AcceleratorConfig& config, const Workload& workload,
                                    bool ideal_memory) {
  const auto fused = fusable_relus(workload);
  std::vector<LayerPlan> plans;
  plans.reserve(workload.layers.size());
  for (const auto& layer : workload.layers) {
    LayerPlan plan;
    plan.name = layer.name;
    plan.op = layer.op;
    plan.macs = layer_macs(layer);
    if (auto it = fused.find(layer.name); it != fused.end()) {
      plan.note = "fused into " + it->second;
    } else {
      switch (op_descriptor(layer.op).unit) {
        case OpUnit::kView:
          plan.note = "view";
          break;
        case OpUnit::kPeArray:
          plan.unit = Unit::kPeArray;
          map_pe_layer(config, layer, ideal_memory, plan);
          break;
        case OpUnit::kSfu:
        case OpUnit::kDma:  // a gather through the buffer, planned with the SFU's rows
          map_sfu_layer(config, layer, plan);
          break;
      }
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace duet
