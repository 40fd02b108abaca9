// Systolic mapping of conv / GEMM / matmul layers.
//
// The layer is lowered to SCALE-Sim's im2col view (P pixels, K reduction, F filters) and the
// dataflow decides which dimension spreads over rows (Sr), columns (Sc) and time (T). Folds are
// visited column-fold outer, row-fold inner, so WS/IS partial sums of one column fold stay in the
// ofmap partition when they fit. A fold's stream is cut into chunks that fit half a partition
// (double buffering); chunk boundaries follow systolic_timing so cycles stay exact.
#include "sim/pe_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/ifmap_halo.hpp"
#include "sim/systolic_timing.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Operands {
  // Bytes per element as they travel from DRAM: the im2col ifmap is stored once in DRAM, so its
  // effective bytes per im2col element are scaled by unique / im2col elements.
  double row_dram_bytes;   // streamed operand (WS/IS) or left operand (OS)
  double col_dram_bytes;   // stationary block (WS/IS) or top operand (OS)
  int64_t row_sram_bytes;  // bytes per element the array reads from the buffer
  int64_t col_sram_bytes;
  int64_t row_partition;  // capacity of the partition holding each operand
  int64_t col_partition;
  Operand row_operand;  // which partition each lives in
  Operand col_operand;
};

double ifmap_reuse_ratio(const Layer& layer, const GemmView& v) {
  if (layer.op != OpKind::kConv2d) return 1.0;
  const Shape& in = layer.input_shapes[0];
  double unique = static_cast<double>(in[0]) * (in[1] / layer.groups) * in[2] * in[3];
  return std::min(1.0, unique / (static_cast<double>(v.p) * v.k));
}

// What a layer's folds look like on the array, whatever the stream block: the im2col view
// spread over rows, columns and time, the operands' partitions and the chunk length.
struct PeGeometry {
  const Layer* layer = nullptr;
  Dataflow df = Dataflow::kWeightStationary;
  int64_t R = 0, C = 0, act_b = 0, acc_b = 0;
  int64_t repeats = 1, sr = 0, sc = 0, t = 0, nr = 0, nc = 0, chunk = 0;
  int64_t ofmap_part = 0;
  Operands op{};
  bool os = false;
  bool ifmap_halo = false;  // a WS conv: its stream chunks reload their ifmap halo
  // Dependencies: a gemm / matmul output is repeats x P rows of F; a conv's (NCHW) is final per
  // group when N is 1, else only at the end.
  bool conv = false;
  int64_t p = 0, f = 0, out_elements = 0, images = 1;
};

PeGeometry pe_geometry(const AcceleratorConfig& cfg, const Layer& layer) {
  PeGeometry g;
  g.layer = &layer;
  const GemmView v = gemm_view(layer);
  g.df = cfg.dataflow;
  g.R = cfg.pe_rows, g.C = cfg.pe_cols;
  g.act_b = data_type_bytes(cfg.activation_type);
  g.acc_b = data_type_bytes(cfg.accumulator_type);
  g.repeats = v.repeats;
  g.conv = layer.op == OpKind::kConv2d;
  g.p = v.p, g.f = v.f;
  g.out_elements = elements(layer.output_shape);
  if (g.conv) g.images = layer.input_shapes[0][0];
  // matmul's second operand is an activation, not a weight.
  const int64_t act_b = g.act_b;
  const int64_t filt_b = layer.op == OpKind::kMatmul ? act_b : data_type_bytes(cfg.weight_type);
  const double ratio = ifmap_reuse_ratio(layer, v);
  const int64_t ifmap_part = cfg.partition_bytes(cfg.partition.ifmap);
  const int64_t filter_part = cfg.partition_bytes(cfg.partition.filter);
  g.ofmap_part = cfg.partition_bytes(cfg.partition.ofmap);
  const int64_t slots = cfg.double_buffered ? 2 : 1;

  switch (g.df) {
    case Dataflow::kWeightStationary:
      g.sr = v.k, g.sc = v.f, g.t = v.p;
      g.op = {act_b * ratio, double(filt_b), act_b,  filt_b,
              ifmap_part,    filter_part,    kIfmap, kFilter};
      break;
    case Dataflow::kInputStationary:
      g.sr = v.k, g.sc = v.p, g.t = v.f;
      g.op = {double(filt_b), act_b * ratio, filt_b,  act_b,
              filter_part,    ifmap_part,    kFilter, kIfmap};
      break;
    case Dataflow::kOutputStationary:
      g.sr = v.p, g.sc = v.f, g.t = v.k;
      g.op = {act_b * ratio, double(filt_b), act_b,  filt_b,
              ifmap_part,    filter_part,    kIfmap, kFilter};
      break;
  }
  g.os = g.df == Dataflow::kOutputStationary;
  g.ifmap_halo = g.df == Dataflow::kWeightStationary && layer.op == OpKind::kConv2d;
  g.nr = ceil_div(g.sr, g.R), g.nc = ceil_div(g.sc, g.C);
  const int64_t row_slot = g.op.row_partition / slots, col_slot = g.op.col_partition / slots;
  const int64_t ofmap_slot = g.ofmap_part / slots;
  auto too_small = [&](const char* what, int64_t need, int64_t have) {
    throw InputError("layer \"" + layer.name + "\": smallest tile does not fit the " + what +
                     " partition: needs " + std::to_string(need) + " bytes, " +
                     std::to_string(have) + " available" +
                     (slots == 2 ? " (half the partition, double-buffered)" : ""));
  };

  // Chunk length: the most stream elements whose operand slices fit one buffer slot.
  const int64_t row_per_t = g.R * g.op.row_sram_bytes;
  g.chunk = std::min<int64_t>(g.t, row_slot / row_per_t);
  if (g.chunk < 1) too_small(g.os ? "ifmap" : "streamed-operand", row_per_t, row_slot);
  if (g.os) {
    g.chunk = std::min<int64_t>(g.chunk, col_slot / (g.C * g.op.col_sram_bytes));
    if (g.chunk < 1) too_small("filter", g.C * g.op.col_sram_bytes, col_slot);
    if (g.R * g.C * g.acc_b > ofmap_slot) too_small("ofmap", g.R * g.C * g.acc_b, ofmap_slot);
  } else {
    if (g.R * g.C * g.op.col_sram_bytes > col_slot) {
      too_small("stationary-operand", g.R * g.C * g.op.col_sram_bytes, col_slot);
    }
    g.chunk = std::min<int64_t>(g.chunk, ofmap_slot / (g.C * g.acc_b));
    if (g.chunk < 1) too_small("ofmap", g.C * g.acc_b, ofmap_slot);
  }
  return g;
}

// Schedules to choose from. SCALE-Sim's streams the whole T through every fold. In WS/IS a
// stream-blocked schedule cuts T into blocks (block loop outermost) so that a block's partial
// sums stay in the ofmap partition and/or its streamed operand stays resident across column
// folds, at the price of refilling the array and reloading the stationary operand per block.
std::vector<int64_t> candidate_blocks(const PeGeometry& g) {
  std::vector<int64_t> blocks = {g.t};
  if (g.os) return blocks;
  const int64_t psum_fit = g.ofmap_part / (g.C * g.acc_b);
  const int64_t row_fit =
      static_cast<int64_t>(double(g.op.row_partition) / (g.sr * g.op.row_dram_bytes));
  for (int64_t b : {psum_fit, row_fit, std::min(psum_fit, row_fit)}) {
    if (b >= 1 && b < g.t && std::find(blocks.begin(), blocks.end(), b) == blocks.end()) {
      blocks.push_back(b);
    }
  }
  return blocks;
}

// Calls `visit(tile)` for every tile of the schedule with T blocks of `block`, in issue order.
template <class Visit>
void for_each_tile(const PeGeometry& g, int64_t block, Visit&& visit) {
  const Operands& op = g.op;
  const int64_t R = g.R, C = g.C, t = g.t, sr = g.sr, sc = g.sc, nr = g.nr, nc = g.nc;
  const int64_t acc_b = g.acc_b, act_b = g.act_b, chunk = g.chunk;
  const bool os = g.os;
  bool first = true;
  int64_t done = 0;
  // Operands that fit their whole partition are fetched from DRAM once per block.
  const bool row_resident = double(sr) * block * op.row_dram_bytes <= double(op.row_partition);
  const bool psum_resident = !os && block * std::min(sc, C) * acc_b <= g.ofmap_part;
  for (int64_t rep = 0; rep < g.repeats; ++rep) {
    for (int64_t b0 = 0; b0 < t; b0 += block) {
      const int64_t fold_t = std::min(block, t - b0);
      const int64_t chunks = ceil_div(fold_t, chunk);
      for (int64_t cf = 0; cf < nc; ++cf) {
        const int64_t cols_used = std::min(C, sc - cf * C);
        const bool col_slice_resident = os && t * cols_used * op.col_dram_bytes <= op.col_partition;
        for (int64_t rf = 0; rf < nr; ++rf) {
          const int64_t rows_used = std::min(R, sr - rf * R);
          int64_t previous_end = 0;
          for (int64_t ch = 0; ch < chunks; ++ch) {
            Tile tile;
            tile.active_rows = static_cast<int32_t>(rows_used);
            tile.active_cols = static_cast<int32_t>(cols_used);
            tile.fold_stream = fold_t;
            tile.stream_begin = ch * chunk;
            tile.stream_end = std::min(fold_t, tile.stream_begin + chunk);
            tile.fold_start = ch == 0;
            tile.fold_end = ch == chunks - 1;
            tile.layer_start = first;
            first = false;
            const int64_t len = tile.stream_end - tile.stream_begin;
            const int64_t end =
                fold_progress_cycles(g.df, R, C, fold_t, tile.stream_end, tile.fold_end);
            tile.compute_cycles = end - previous_end;
            previous_end = end;
            // SCALE-Sim reports a layer's last cycle index (sum over folds minus one): the
            // first cycle of a layer overlaps the end of the previous one.
            if (tile.layer_start) tile.compute_cycles -= 1;

            ComputeActivity& work = tile.work;
            const int64_t macs = len * rows_used * cols_used;
            work.macs = macs;
            double row_load = 0, col_load = 0;
            int64_t psum_load = 0, store = 0;
            if (!row_resident || cf == 0) {
              row_load = double(len) * rows_used * op.row_dram_bytes;
              if (g.ifmap_halo) {
                // The previous chunk is full, or the last of the previous block.
                const int64_t p0 = b0 + tile.stream_begin;
                const int64_t previous = ch > 0 ? chunk : (block - 1) % chunk + 1;
                const int64_t halo = ifmap_halo_positions(*g.layer, p0 - previous, p0, p0 + len);
                const Layer& conv = *g.layer;
                row_load += double(halo) * rows_used * op.row_sram_bytes /
                            double(conv.kernel[0] * conv.kernel[1]);
              }
            }
            work.buffer_read_bytes[op.row_operand] += len * rows_used * op.row_sram_bytes;
            if (os) {
              if (!col_slice_resident || rf == 0) {
                col_load = double(len) * cols_used * op.col_dram_bytes;
              }
              work.buffer_read_bytes[op.col_operand] += len * cols_used * op.col_sram_bytes;
              // Both operands hop from PE to PE; the accumulator stays in each PE's registers.
              work.pe_transfer_bytes = macs * (op.row_sram_bytes + op.col_sram_bytes);
              work.rf_read_bytes = work.rf_write_bytes = macs * acc_b;
              if (tile.fold_end) {
                store = rows_used * cols_used * act_b;
                work.buffer_write_bytes[kOfmap] += store;
              }
            } else {
              if (tile.fold_start) {
                col_load = double(rows_used) * cols_used * op.col_dram_bytes;
                work.buffer_read_bytes[op.col_operand] += rows_used * cols_used * op.col_sram_bytes;
                work.rf_write_bytes = rows_used * cols_used * op.col_sram_bytes;  // preload
              }
              // Every MAC reads the stationary operand from its PE's registers; the streamed
              // operand and the partial sum hop to the neighbouring PEs.
              work.rf_read_bytes = macs * op.col_sram_bytes;
              work.pe_transfer_bytes = macs * (op.row_sram_bytes + acc_b);
              const int64_t psum = len * cols_used * acc_b;
              work.buffer_write_bytes[kOfmap] += psum;
              if (rf > 0) {
                work.buffer_read_bytes[kOfmap] += psum;
                if (!psum_resident) psum_load = psum;
              }
              if (rf == nr - 1) {
                store = len * cols_used * act_b;
              } else if (!psum_resident) {
                store = psum;
              }
            }
            tile.load_bytes[op.row_operand] = std::llround(row_load);
            tile.load_bytes[op.col_operand] = std::llround(col_load);
            tile.load_bytes[kOfmap] = psum_load;
            tile.store_bytes = store;
            // Rows of P this tile reads, and whether it finishes rows of the output.
            const bool last_block = b0 + block >= t;
            int64_t rows_end = 0;
            bool finishes = false;
            switch (g.df) {
              case Dataflow::kWeightStationary:
                rows_end = b0 + tile.stream_end;
                finishes = cf == nc - 1 && rf == nr - 1;
                break;
              case Dataflow::kInputStationary:
                rows_end = cf * C + cols_used;
                finishes = rf == nr - 1 && tile.fold_end && last_block;
                break;
              case Dataflow::kOutputStationary:
                rows_end = rf * R + rows_used;
                finishes = cf == nc - 1 && tile.fold_end;
                break;
            }
            const bool repeat_end = last_block && cf == nc - 1 && rf == nr - 1 && tile.fold_end;
            if (!g.conv && finishes) done = (rep * g.p + rows_end) * g.f;
            if (g.conv && repeat_end && (g.images == 1 || rep == g.repeats - 1)) {
              done = g.out_elements / g.repeats * (rep + 1);
            }
            tile.done_prefix = done;
            tile.need = {rep * g.p + rows_end, rep + 1};
            visit(tile);
          }
        }
      }
    }
  }
}

}  // namespace

void plan_pe_layer(const AcceleratorConfig& cfg, const Layer& layer, bool ideal_memory,
                   const TileBudget& budget, LayerPlan& plan) {
  const PeGeometry g = pe_geometry(cfg, layer);
  const int64_t slots = cfg.double_buffered ? 2 : 1;
  const double bytes_per_cycle = cfg.dram_bytes_per_cycle();
  const double latency = double(cfg.dram_latency_cycles());
  double best_estimate = 0;
  for (int64_t block : candidate_blocks(g)) {
    budget.check(layer.name, TileBudget::count({g.repeats, ceil_div(g.t, block), g.nc, g.nr,
                                                ceil_div(std::min(block, g.t), g.chunk)}));
    int64_t compute = 0, count = 0;
    double dram = 0, pipeline = 0;
    for_each_tile(g, block, [&](const Tile& tile) {
      compute += tile.compute_cycles;
      const double load_bytes = double(tile.total_load_bytes());
      dram += (load_bytes + double(tile.store_bytes)) / bytes_per_cycle;
      // With `slots` tiles in flight, a tile's load latency hides behind that many tiles of
      // compute at most.
      pipeline += (load_bytes / bytes_per_cycle + latency + tile.compute_cycles) / double(slots);
      ++count;
    });
    // Rough time of the schedule: compute, the DRAM channel, or the latency-bound pipeline.
    const double estimate =
        ideal_memory ? double(compute) : std::max({double(compute), dram, pipeline});
    if (plan.stream_block == 0 || estimate < best_estimate) {
      best_estimate = estimate;
      plan.stream_block = block;
      plan.tile_count = count;
    }
  }
  plan.folds = g.repeats * g.nc * g.nr * ceil_div(g.t, plan.stream_block);
  plan.output_elements = g.out_elements;
  if (!g.conv) {
    // Operand A is read by rows of P; matmul's B per repeat (unless it is broadcast).
    if (elements(layer.input_shapes[0]) == g.repeats * g.p * gemm_view(layer).k) {
      plan.need_den[0] = g.repeats * g.p;
    }
    if (layer.input_shapes.size() > 1 && elements(layer.input_shapes[1]) % g.repeats == 0 &&
        elements(layer.input_shapes[1]) / g.repeats == gemm_view(layer).k * g.f) {
      plan.need_den[1] = g.repeats;
    }
  }
  plan.schedule = plan.stream_block == g.t ? "full-stream"
                                           : "stream-blocked:" + std::to_string(plan.stream_block);
}

std::vector<Tile> pe_layer_tiles(const AcceleratorConfig& cfg, const Layer& layer,
                                 const LayerPlan& plan) {
  std::vector<Tile> tiles;
  tiles.reserve(static_cast<std::size_t>(plan.tile_count));
  for_each_tile(pe_geometry(cfg, layer), plan.stream_block,
                [&](const Tile& tile) { tiles.push_back(tile); });
  return tiles;
}

}  // namespace duet
