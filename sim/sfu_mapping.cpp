// SFU mapping. An op's rows of element operations come from its descriptor
// (workloads/op_work.cpp); they run as passes over the tile's elements. ALU passes take one
// element per lane per cycle; function passes take the timing of the SFU kind that runs the
// layer (sim/sfu_unit.hpp). Each pass pays its latency once per tile. The lanes cannot outrun
// the global buffer: two accesses (read + write) per element per cycle.
#include "sim/sfu_mapping.hpp"

#include <algorithm>

#include "sim/sfu_unit.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Cycles of one pass of `count` evaluations over the lanes: each lane starts one every
// initiation interval, and the last result appears one latency after its start.
int64_t pass_cycles(int64_t count, int64_t lanes, const FunctionTiming& t) {
  return count == 0 ? 0 : (ceil_div(count, lanes) - 1) * t.initiation_interval + t.latency;
}

SfuKind resolve_kind(NonlinearImpl impl, SfuKind configured) {
  switch (impl) {
    case NonlinearImpl::kExact:
      return SfuKind::kExact;
    case NonlinearImpl::kNnlut:
      return SfuKind::kNnlut;
    case NonlinearImpl::kIbert:
      return SfuKind::kIbert;
    case NonlinearImpl::kAuto:
      break;
  }
  return configured;
}

}  // namespace

void map_sfu_layer(const AcceleratorConfig& cfg, const Layer& layer, TileBudget& budget,
                   LayerPlan& plan) {
  const int64_t act_b = data_type_bytes(cfg.activation_type);
  const int64_t slots = cfg.double_buffered ? 2 : 1;
  const int64_t in_slot = cfg.partition_bytes(cfg.partition.ifmap) / slots;
  const int64_t out_slot = cfg.partition_bytes(cfg.partition.ofmap) / slots;

  const OpDescriptor& op = op_descriptor(layer.op);
  if (op.unit == OpUnit::kDma) {
    // A gather (embedding) or a constant operand: each row's weights move from DRAM through
    // the buffer and out as an activation.
    plan.unit = Unit::kDmaOnly;
    const RowWork w = op.row_work(layer);
    const int64_t weight_b = data_type_bytes(cfg.weight_type);
    const int64_t per_row = TileBudget::count({w.out_elements, std::max(weight_b, act_b)});
    const int64_t rows_per_tile = std::min(in_slot, out_slot) / per_row;
    if (rows_per_tile < 1) {
      throw InputError("layer \"" + layer.name +
                       "\": smallest tile does not fit the buffer: needs " +
                       std::to_string(per_row) + " bytes, " +
                       std::to_string(std::min(in_slot, out_slot)) + " available");
    }
    budget.reserve(layer.name, ceil_div(w.rows, rows_per_tile));
    for (int64_t first = 0; first < w.rows; first += rows_per_tile) {
      const int64_t count = std::min(rows_per_tile, w.rows - first);
      Tile tile;
      tile.layer_start = first == 0;
      tile.load_bytes[kFilter] = count * w.out_elements * weight_b;
      tile.store_bytes = count * w.out_elements * act_b;
      plan.tiles.push_back(tile);
    }
    return;
  }

  plan.unit = Unit::kSfu;
  const RowWork w = op.row_work(layer);
  // Saturating: a row too large for int64 cannot fit the buffer either.
  const int64_t in_row = TileBudget::count({w.in_elements, act_b});
  const int64_t out_row = TileBudget::count({w.out_elements, act_b});
  const int64_t rows_per_tile = std::min(in_slot / in_row, out_slot / out_row);
  if (rows_per_tile < 1) {
    throw InputError("layer \"" + layer.name +
                     "\": smallest tile does not fit the buffer: one row needs " +
                     std::to_string(in_row) + " input and " + std::to_string(out_row) +
                     " output bytes, " + std::to_string(in_slot) + " / " +
                     std::to_string(out_slot) + " available (ifmap / ofmap, per buffer slot)");
  }
  const int64_t lanes =
      std::min(cfg.sfu_lanes, std::max<int64_t>(1, cfg.buffer_bytes_per_cycle() / (2 * act_b)));
  const SfuUnit unit(resolve_kind(layer.impl, cfg.sfu_kind), cfg);
  budget.reserve(layer.name, ceil_div(w.rows, rows_per_tile));

  for (int64_t first = 0; first < w.rows; first += rows_per_tile) {
    const int64_t rows = std::min(rows_per_tile, w.rows - first);
    const SfuOps tile_ops(w.ops.scaled(rows), unit.kind());
    Tile tile;
    tile.layer_start = first == 0;
    tile.compute_cycles =
        pass_cycles(tile_ops.alu(), lanes, unit.alu_timing()) +
        pass_cycles(tile_ops.exp, lanes, unit.timing(SfuFunction::kExp)) +
        pass_cycles(tile_ops.reciprocal, lanes, unit.timing(SfuFunction::kReciprocal)) +
        pass_cycles(tile_ops.rsqrt, lanes, unit.timing(SfuFunction::kRsqrt)) +
        pass_cycles(tile_ops.gelu, lanes, unit.timing(SfuFunction::kGelu)) +
        pass_cycles(tile_ops.silu, lanes, unit.timing(SfuFunction::kSilu));
    tile.load_bytes[kIfmap] = rows * in_row;
    tile.store_bytes = rows * out_row;
    // Multi-pass ops (softmax, layernorm) read their rows again and write intermediates.
    tile.work.sfu = tile_ops;
    tile.work.buffer_read_bytes[kIfmap] = rows * in_row * w.data_passes;
    tile.work.buffer_write_bytes[kOfmap] = rows * out_row * w.data_passes;
    plan.tiles.push_back(tile);
  }
}

}  // namespace duet
