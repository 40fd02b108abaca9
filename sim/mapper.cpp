#include "sim/mapper.hpp"

#include <map>

#include "sim/pe_mapping.hpp"
#include "sim/sfu_mapping.hpp"
#include "workloads/input_error.hpp"

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

// The layer whose output `name` is, for input `input` of a consumer: through reshapes and
// fused clamps, which keep the element order and have one input. Any other view (transpose,
// slice, concat, pad) is the source itself, needed whole: the controller completes it when its
// own sources are, so that chains and diamonds of views cost one step per layer.
void add_source(const std::map<std::string, int>& index, const Workload& workload,
                const std::vector<LayerPlan>& plans, std::string name, int input, bool whole,
                std::vector<LayerPlan::Source>& sources) {
  while (true) {
    const auto it = index.find(name);
    if (it == index.end()) return;  // a workload input: there from the start
    const int p = it->second;
    const Layer& producer = workload.layers[static_cast<std::size_t>(p)];
    const bool keeps_order =
        producer.op == OpKind::kReshape || plans[p].note.rfind("fused", 0) == 0;
    if (plans[p].unit != Unit::kNone || !keeps_order) {
      sources.push_back({p, input, whole || plans[p].unit == Unit::kNone});
      return;
    }
    name = producer.inputs[0];
  }
}

// Overlap: a row-wise SFU layer fed rows by a GEMM / matmul, or by another streaming SFU layer,
// is cut into row blocks so that it can follow its producer. Others stay as they are: more
// tiles would only add pass latencies.
constexpr int64_t kStreamRowBlocks = 16;

void stream_rows(const AcceleratorConfig& config, const Layer& layer, const TileBudget& budget,
                 std::vector<LayerPlan>& plans, std::size_t i) {
  LayerPlan& plan = plans[i];
  if (plan.unit != Unit::kSfu || !rows_in_order(layer)) return;
  bool fed_rows = false;
  for (const LayerPlan::Source& s : plan.sources) {
    const LayerPlan& source = plans[static_cast<std::size_t>(s.layer)];
    const bool streams =
        (source.unit == Unit::kPeArray && source.op != OpKind::kConv2d) || source.row_blocks > 1;
    if (!s.whole && plan.need_den[s.input] > 0 && streams) fed_rows = true;
  }
  if (!fed_rows) return;
  plan.row_blocks = kStreamRowBlocks;
  plan_sfu_layer(config, layer, budget, plan);
}

}  // namespace

void TileBudget::check(const std::string& layer, int64_t tiles) const {
  if (tiles <= limit_) return;
  const std::string count = tiles >= kSaturated ? "more than 2^62" : std::to_string(tiles);
  throw InputError("layer \"" + layer + "\" needs " + count + " tiles, above the limit of " +
                   std::to_string(limit_) + " tiles per layer (" + std::to_string(sizeof(Tile)) +
                   " bytes of memory each); raise it with --max-tiles");
}

int64_t TileBudget::count(std::initializer_list<int64_t> factors) {
  int64_t product = 1;
  for (int64_t f : factors) {
    if (__builtin_mul_overflow(product, f, &product) || product > kSaturated) return kSaturated;
  }
  return product;
}

std::vector<LayerPlan> map_workload(const AcceleratorConfig& config, const Workload& workload,
                                    bool ideal_memory, int64_t max_tiles) {
  const TileBudget budget(max_tiles);
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
          plan_pe_layer(config, layer, ideal_memory, budget, plan);
          break;
        case OpUnit::kSfu:
        case OpUnit::kDma:  // a gather through the buffer, planned with the SFU's rows
          plan_sfu_layer(config, layer, budget, plan);
          break;
      }
    }
    plans.push_back(std::move(plan));
  }
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const Layer& layer = workload.layers[i];
    for (std::size_t j = 0; j < layer.inputs.size(); ++j) {
      // need[] covers two operands; further ones (a many-input concat) are needed whole.
      add_source(index, workload, plans, layer.inputs[j],
                 static_cast<int>(std::min<std::size_t>(j, 1)), j > 1, plans[i].sources);
    }
    index[layer.name] = static_cast<int>(i);
    // Single-buffered, a loaded tile holds the only slot until computed: the units cannot work
    // at once, and row blocks would only add latency.
    if (config.schedule == Schedule::kOverlap && config.double_buffered) {
      stream_rows(config, layer, budget, plans, i);
    }
  }
  return plans;
}

std::vector<Tile> layer_tiles(const AcceleratorConfig& config, const Layer& layer,
                              const LayerPlan& plan) {
  switch (plan.unit) {
    case Unit::kPeArray:
      return pe_layer_tiles(config, layer, plan);
    case Unit::kSfu:
    case Unit::kDmaOnly:
      return sfu_layer_tiles(config, layer, plan);
    case Unit::kNone:
      break;
  }
  return {};
}

}  // namespace duet
