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

}  // namespace

void map_pe_layer(const AcceleratorConfig& cfg, const Layer& layer, bool ideal_memory,
                  TileBudget& budget, LayerPlan& plan) {
  const GemmView v = gemm_view(layer);
  const Dataflow df = cfg.dataflow;
  const int64_t R = cfg.pe_rows, C = cfg.pe_cols;
  const int64_t act_b = data_type_bytes(cfg.activation_type);
  const int64_t acc_b = data_type_bytes(cfg.accumulator_type);
  // matmul's second operand is an activation, not a weight.
  const int64_t filt_b = layer.op == OpKind::kMatmul ? act_b : data_type_bytes(cfg.weight_type);
  const double ratio = ifmap_reuse_ratio(layer, v);
  const int64_t ifmap_part = cfg.partition_bytes(cfg.partition.ifmap);
  const int64_t filter_part = cfg.partition_bytes(cfg.partition.filter);
  const int64_t ofmap_part = cfg.partition_bytes(cfg.partition.ofmap);
  const int64_t slots = cfg.double_buffered ? 2 : 1;

  int64_t sr = 0, sc = 0, t = 0;
  Operands op{};
  switch (df) {
    case Dataflow::kWeightStationary:
      sr = v.k, sc = v.f, t = v.p;
      op = {act_b * ratio, double(filt_b), act_b, filt_b, ifmap_part, filter_part, kIfmap, kFilter};
      break;
    case Dataflow::kInputStationary:
      sr = v.k, sc = v.p, t = v.f;
      op = {double(filt_b), act_b * ratio, filt_b, act_b, filter_part, ifmap_part, kFilter, kIfmap};
      break;
    case Dataflow::kOutputStationary:
      sr = v.p, sc = v.f, t = v.k;
      op = {act_b * ratio, double(filt_b), act_b, filt_b, ifmap_part, filter_part, kIfmap, kFilter};
      break;
  }
  const bool os = df == Dataflow::kOutputStationary;
  const int64_t nr = ceil_div(sr, R), nc = ceil_div(sc, C);
  const int64_t row_slot = op.row_partition / slots, col_slot = op.col_partition / slots;
  const int64_t ofmap_slot = ofmap_part / slots;
  auto too_small = [&](const char* what, int64_t need, int64_t have) {
    throw InputError("layer \"" + layer.name + "\": smallest tile does not fit the " + what +
                     " partition: needs " + std::to_string(need) + " bytes, " +
                     std::to_string(have) + " available" +
                     (slots == 2 ? " (half the partition, double-buffered)" : ""));
  };

  // Chunk length: the most stream elements whose operand slices fit one buffer slot.
  const int64_t row_per_t = R * op.row_sram_bytes;
  int64_t chunk = std::min<int64_t>(t, row_slot / row_per_t);
  if (chunk < 1) too_small(os ? "ifmap" : "streamed-operand", row_per_t, row_slot);
  if (os) {
    chunk = std::min<int64_t>(chunk, col_slot / (C * op.col_sram_bytes));
    if (chunk < 1) too_small("filter", C * op.col_sram_bytes, col_slot);
    if (R * C * acc_b > ofmap_slot) too_small("ofmap", R * C * acc_b, ofmap_slot);
  } else {
    if (R * C * op.col_sram_bytes > col_slot) {
      too_small("stationary-operand", R * C * op.col_sram_bytes, col_slot);
    }
    chunk = std::min<int64_t>(chunk, ofmap_slot / (C * acc_b));
    if (chunk < 1) too_small("ofmap", C * acc_b, ofmap_slot);
  }

  // Schedules to choose from. SCALE-Sim's streams the whole T through every fold. In WS/IS a
  // stream-blocked schedule cuts T into blocks (block loop outermost) so that a block's partial
  // sums stay in the ofmap partition and/or its streamed operand stays resident across column
  // folds, at the price of refilling the array and reloading the stationary operand per block.
  std::vector<int64_t> blocks = {t};
  if (!os) {
    const int64_t psum_fit = ofmap_part / (C * acc_b);
    const int64_t row_fit =
        static_cast<int64_t>(double(op.row_partition) / (sr * op.row_dram_bytes));
    for (int64_t b : {psum_fit, row_fit, std::min(psum_fit, row_fit)}) {
      if (b >= 1 && b < t && std::find(blocks.begin(), blocks.end(), b) == blocks.end()) {
        blocks.push_back(b);
      }
    }
  }

  const double bytes_per_cycle = cfg.dram_bytes_per_cycle();
  const double latency = double(cfg.dram_latency_cycles());
  std::vector<Tile> best;
  double best_estimate = 0;
  int64_t best_block = t;
  for (int64_t block : blocks) {
    budget.check(layer.name, TileBudget::count({v.repeats, ceil_div(t, block), nc, nr,
                                                ceil_div(std::min(block, t), chunk)}));
    std::vector<Tile> tiles;
    int64_t compute = 0;
    double dram = 0, pipeline = 0;
    // Operands that fit their whole partition are fetched from DRAM once per block.
    const bool row_resident = double(sr) * block * op.row_dram_bytes <= double(op.row_partition);
    const bool psum_resident = !os && block * std::min(sc, C) * acc_b <= ofmap_part;
    for (int64_t rep = 0; rep < v.repeats; ++rep) {
      for (int64_t b0 = 0; b0 < t; b0 += block) {
        const int64_t fold_t = std::min(block, t - b0);
        const int64_t chunks = ceil_div(fold_t, chunk);
        for (int64_t cf = 0; cf < nc; ++cf) {
          const int64_t cols_used = std::min(C, sc - cf * C);
          const bool col_slice_resident =
              os && t * cols_used * op.col_dram_bytes <= op.col_partition;
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
              tile.layer_start = tiles.empty();
              const int64_t len = tile.stream_end - tile.stream_begin;
              const int64_t end =
                  fold_progress_cycles(df, R, C, fold_t, tile.stream_end, tile.fold_end);
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
              if (!row_resident || cf == 0) row_load = double(len) * rows_used * op.row_dram_bytes;
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
                  work.buffer_read_bytes[op.col_operand] +=
                      rows_used * cols_used * op.col_sram_bytes;
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
              compute += tile.compute_cycles;
              const double load_bytes = double(tile.total_load_bytes());
              dram += (load_bytes + double(tile.store_bytes)) / bytes_per_cycle;
              // With `slots` tiles in flight, a tile's load latency hides behind that many
              // tiles of compute at most.
              pipeline +=
                  (load_bytes / bytes_per_cycle + latency + tile.compute_cycles) / double(slots);
              tiles.push_back(tile);
            }
          }
        }
      }
    }
    // Rough time of the schedule: compute, the DRAM channel, or the latency-bound pipeline.
    const double estimate =
        ideal_memory ? double(compute) : std::max({double(compute), dram, pipeline});
    if (best.empty() || estimate < best_estimate) {
      best = std::move(tiles);
      best_estimate = estimate;
      best_block = block;
    }
  }

  plan.folds = v.repeats * nc * nr * ceil_div(t, best_block);
  plan.schedule = best_block == t ? "full-stream" : "stream-blocked:" + std::to_string(best_block);
  budget.reserve(layer.name, static_cast<int64_t>(best.size()));
  plan.tiles = std::move(best);
}

}  // namespace duet
