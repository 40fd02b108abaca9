#pragma once
// What the mapper hands the hardware model: per layer, the unit it runs on and its tiles.
// A tile is the unit of events in the fast mode: one DMA load, one compute step, one store.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace duet {

enum class Unit { kNone, kPeArray, kSfu, kDmaOnly };

// SFU work by function, counted per element; the cost model prices them.
struct SfuOps {
  int64_t alu = 0;  // add, multiply, compare, max
  int64_t exp = 0;
  int64_t reciprocal = 0;
  int64_t rsqrt = 0;
  SfuOps& operator+=(const SfuOps& o) {
    alu += o.alu;
    exp += o.exp;
    reciprocal += o.reciprocal;
    rsqrt += o.rsqrt;
    return *this;
  }
};

struct Tile {
  int64_t compute_cycles = 0;    // fast mode; exact
  int64_t load_bytes = 0;        // DRAM -> buffer
  int64_t store_bytes = 0;       // buffer -> DRAM
  int64_t sram_read_bytes = 0;   // by the compute unit and the store DMA
  int64_t sram_write_bytes = 0;  // by the compute unit and the load DMA
  // Systolic geometry, for the cycle-fidelity stepper.
  int32_t active_rows = 0;
  int32_t active_cols = 0;
  int64_t fold_stream = 0;  // T of the fold this tile belongs to
  int64_t stream_begin = 0;
  int64_t stream_end = 0;
  bool fold_start = false;
  bool fold_end = false;
  bool layer_start = false;
};

struct LayerPlan {
  std::string name;
  OpKind op = OpKind::kRelu;
  Unit unit = Unit::kNone;
  std::string note;  // "fused into <producer>", "view", ...
  int64_t macs = 0;
  int64_t folds = 0;
  std::string schedule;        // PE layers: full-stream (SCALE-Sim's) or stream-blocked:<T block>
  int64_t compute_cycles = 0;  // sum over tiles
  SfuOps sfu_ops;
  std::vector<Tile> tiles;
};

}  // namespace duet
