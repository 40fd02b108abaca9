// SFU mapping. An op's rows of element operations come from its descriptor
// (workloads/op_work.cpp); they run as passes over the tile's elements. ALU passes take one
// element per lane per cycle; function passes take the timing of the SFU kind that runs the
// layer (sim/sfu_unit.hpp). Each pass pays its latency once per tile (under the overlap schedule
// the next tile enters while a tile's last results drain: Tile::drain_cycles). The lanes cannot
// outrun the global buffer: two accesses (read + write) per element per cycle.
#include "sim/sfu_mapping.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "sim/sfu_unit.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A byte count for a message; TileBudget::count saturates instead of overflowing.
std::string bytes_text(int64_t bytes) {
  return bytes >= TileBudget::kSaturated ? "more than 2^62" : std::to_string(bytes);
}

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

// An SFU tile's passes: how many evaluations each runs and at what timing.
using Passes = std::array<std::pair<int64_t, FunctionTiming>, 6>;
Passes passes_of(const ElementOps& ops, const SfuUnit& unit) {
  return {{{ops.alu(), unit.alu_timing()},
           {ops.exp, unit.timing(SfuFunction::kExp)},
           {ops.reciprocal, unit.timing(SfuFunction::kReciprocal)},
           {ops.rsqrt, unit.timing(SfuFunction::kRsqrt)},
           {ops.gelu, unit.timing(SfuFunction::kGelu)},
           {ops.silu, unit.timing(SfuFunction::kSilu)}}};
}

// Every row block pays its passes' latencies again. A block must issue at least this many
// times those latencies, so that cutting a layer for streaming costs at most 1/16 of its SFU
// time (short sequences would otherwise lose more to latencies than streaming gains).
constexpr int64_t kBlockIssueOverLatency = 16;

int64_t min_block_rows(const RowWork& w, int64_t lanes, const SfuUnit& unit) {
  double issue_per_row = 0;
  int64_t latency = 0;
  for (const auto& [count, timing] : passes_of(w.ops, unit)) {
    if (count == 0) continue;
    issue_per_row += double(count) * double(timing.initiation_interval) / double(lanes);
    latency += timing.latency;
  }
  if (issue_per_row <= 0) return 1;
  return std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(double(kBlockIssueOverLatency * latency) / issue_per_row)));
}

}  // namespace

bool rows_in_order(const Layer& layer) {
  switch (layer.op) {
    case OpKind::kSoftmax:
      return layer.axis == static_cast<int64_t>(layer.input_shapes[0].size()) - 1;
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
    case OpKind::kGlobalAvgPool:
    case OpKind::kMemory:
      return false;
    default:
      return true;
  }
}

namespace {

// How a layer's rows are cut into tiles: everything but the tiles themselves.
struct SfuGeometry {
  bool dma_only = false;
  RowWork work;
  int64_t rows_per_tile = 0;
  int64_t in_row = 0;  // bytes: DRAM -> ifmap (SFU) or filter (DMA-only) partition
  int64_t out_row = 0;
  int64_t weight_b = 0, act_b = 0;
  int64_t lanes = 0;

  int64_t tile_count() const { return ceil_div(work.rows, rows_per_tile); }
};

SfuGeometry sfu_geometry(const AcceleratorConfig& cfg, const Layer& layer, int64_t row_blocks) {
  SfuGeometry g;
  g.act_b = data_type_bytes(cfg.activation_type);
  g.weight_b = data_type_bytes(cfg.weight_type);
  const int64_t slots = cfg.double_buffered ? 2 : 1;
  const int64_t in_slot = cfg.partition_bytes(cfg.partition.ifmap) / slots;
  const int64_t out_slot = cfg.partition_bytes(cfg.partition.ofmap) / slots;
  const OpDescriptor& op = op_descriptor(layer.op);
  g.work = op.row_work(layer);
  const RowWork& w = g.work;
  if (op.unit == OpUnit::kDma) {
    // A gather (embedding) or a constant operand: each row's weights move from DRAM through
    // the buffer and out as an activation.
    g.dma_only = true;
    const int64_t per_row = TileBudget::count({w.out_elements, std::max(g.weight_b, g.act_b)});
    g.rows_per_tile = std::min(in_slot, out_slot) / per_row;
    if (g.rows_per_tile < 1) {
      throw InputError("layer \"" + layer.name +
                       "\": smallest tile does not fit the buffer: needs " + bytes_text(per_row) +
                       " bytes, " + std::to_string(std::min(in_slot, out_slot)) + " available");
    }
    return g;
  }
  // Saturating: a row too large for int64 cannot fit the buffer either.
  g.in_row = TileBudget::count({w.in_elements, g.act_b});
  g.out_row = TileBudget::count({w.out_elements, g.act_b});
  g.rows_per_tile = std::min(in_slot / g.in_row, out_slot / g.out_row);
  if (g.rows_per_tile < 1) {
    throw InputError("layer \"" + layer.name +
                     "\": smallest tile does not fit the buffer: one row needs " +
                     bytes_text(g.in_row) + " input and " + bytes_text(g.out_row) +
                     " output bytes, " + std::to_string(in_slot) + " / " +
                     std::to_string(out_slot) + " available (ifmap / ofmap, per buffer slot)");
  }
  g.lanes =
      std::min(cfg.sfu_lanes, std::max<int64_t>(1, cfg.buffer_bytes_per_cycle() / (2 * g.act_b)));
  // Up to `row_blocks` tiles, so that the layer can stream behind its producer, if the blocks
  // are long enough to be worth their latencies.
  if (row_blocks > 1) {
    const SfuUnit unit(resolve_kind(layer.impl, cfg.sfu_kind), cfg);
    const int64_t block = std::max(ceil_div(w.rows, row_blocks), min_block_rows(w, g.lanes, unit));
    g.rows_per_tile = std::min(g.rows_per_tile, block);
  }
  return g;
}

Tile dma_only_tile(const SfuGeometry& g, int64_t rows) {
  Tile tile;
  tile.load_bytes[kFilter] = rows * g.work.out_elements * g.weight_b;
  tile.store_bytes = rows * g.work.out_elements * g.act_b;
  return tile;
}

Tile sfu_tile(const SfuGeometry& g, const SfuUnit& unit, int64_t rows) {
  const SfuOps tile_ops(g.work.ops.scaled(rows), unit.kind());
  Tile tile;
  // Whichever pass comes last, at least the shortest drain of the passes the tile runs overlaps
  // the next tile's first inputs (a conservative bound: passes do not overlap inside a tile).
  int64_t drain = -1;
  tile.compute_cycles = 0;
  for (const auto& [count, timing] : passes_of(tile_ops, unit)) {
    if (count == 0) continue;
    tile.compute_cycles += pass_cycles(count, g.lanes, timing);
    const int64_t pass_drain = std::max<int64_t>(0, timing.latency - timing.initiation_interval);
    drain = drain < 0 ? pass_drain : std::min(drain, pass_drain);
  }
  tile.drain_cycles = std::max<int64_t>(0, drain);
  tile.load_bytes[kIfmap] = rows * g.in_row;
  tile.store_bytes = rows * g.out_row;
  // Multi-pass ops (softmax, layernorm) read their rows again and write intermediates.
  tile.work.sfu = tile_ops;
  tile.work.buffer_read_bytes[kIfmap] = rows * g.in_row * g.work.data_passes;
  tile.work.buffer_write_bytes[kOfmap] = rows * g.out_row * g.work.data_passes;
  return tile;
}

}  // namespace

void plan_sfu_layer(const AcceleratorConfig& cfg, const Layer& layer, const TileBudget& budget,
                    LayerPlan& plan) {
  const SfuGeometry g = sfu_geometry(cfg, layer, plan.row_blocks);
  plan.unit = g.dma_only ? Unit::kDmaOnly : Unit::kSfu;
  plan.tile_count = g.tile_count();
  budget.check(layer.name, plan.tile_count);
  plan.output_elements = elements(layer.output_shape);
  if (rows_in_order(layer) && !g.dma_only) {
    for (std::size_t j = 0; j < std::min<std::size_t>(2, layer.input_shapes.size()); ++j) {
      if (elements(layer.input_shapes[j]) == plan.output_elements) plan.need_den[j] = g.work.rows;
    }
  }
}

std::vector<Tile> sfu_layer_tiles(const AcceleratorConfig& cfg, const Layer& layer,
                                  const LayerPlan& plan) {
  const SfuGeometry g = sfu_geometry(cfg, layer, plan.row_blocks);
  const SfuUnit unit(resolve_kind(layer.impl, cfg.sfu_kind), cfg);
  const int64_t out = elements(layer.output_shape);
  const bool in_order = rows_in_order(layer);
  std::vector<Tile> tiles;
  tiles.reserve(static_cast<std::size_t>(g.tile_count()));
  for (int64_t first = 0; first < g.work.rows; first += g.rows_per_tile) {
    const int64_t rows = std::min(g.rows_per_tile, g.work.rows - first);
    Tile& tile = tiles.emplace_back(g.dma_only ? dma_only_tile(g, rows) : sfu_tile(g, unit, rows));
    tile.layer_start = first == 0;
    const int64_t end = first + rows;
    const bool last = end == g.work.rows;
    // out * end / rows without overflow (out and rows stay below 2^62).
    tile.done_prefix = last ? out
                       : in_order
                           ? static_cast<int64_t>(static_cast<__int128>(out) * end / g.work.rows)
                           : 0;
    tile.need = {end, end};
  }
  return tiles;
}

}  // namespace duet
