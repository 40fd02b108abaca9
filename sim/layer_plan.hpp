#pragma once
// What the mapper hands the hardware model: per layer, the unit it runs on and its tiles.
// A tile is the unit of events in the fast mode: one DMA load, one compute step, one store.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "workloads/op_descriptor.hpp"
#include "workloads/workload.hpp"

namespace duet {

enum class Unit { kNone, kPeArray, kSfu, kDmaOnly };

// The buffer partitions, which are also the operands the cost model prices separately.
enum Operand { kIfmap = 0, kFilter = 1, kOfmap = 2 };
inline constexpr const char* kOperandNames[] = {"ifmap", "filter", "ofmap"};
using PerOperand = std::array<int64_t, 3>;

// SFU work: the element operations (workloads/op_descriptor.hpp) and the SFU kind that runs
// them (one per layer); the cost model prices them with that kind's unit (sim/sfu_unit.hpp).
struct SfuOps : ElementOps {
  SfuKind kind = SfuKind::kExact;
  SfuOps() = default;
  SfuOps(const ElementOps& ops, SfuKind k) : ElementOps(ops), kind(k) {}
  SfuOps& operator+=(const SfuOps& o) {
    ElementOps::operator+=(o);
    if (o.alu() + o.functions() > 0) kind = o.kind;
    return *this;
  }
};

// What one tile does inside its compute unit: the activity the cost model prices.
struct ComputeActivity {
  int64_t macs = 0;
  int64_t rf_read_bytes = 0;  // PE register files
  int64_t rf_write_bytes = 0;
  int64_t pe_transfer_bytes = 0;    // PE-to-PE hops
  PerOperand buffer_read_bytes{};   // by the PE array or SFU
  PerOperand buffer_write_bytes{};  // by the PE array or SFU
  SfuOps sfu;
  ComputeActivity& operator+=(const ComputeActivity& o) {
    macs += o.macs;
    rf_read_bytes += o.rf_read_bytes;
    rf_write_bytes += o.rf_write_bytes;
    pe_transfer_bytes += o.pe_transfer_bytes;
    for (int i = 0; i < 3; ++i) {
      buffer_read_bytes[i] += o.buffer_read_bytes[i];
      buffer_write_bytes[i] += o.buffer_write_bytes[i];
    }
    sfu += o.sfu;
    return *this;
  }
};

struct Tile {
  int64_t compute_cycles = 0;  // fast mode; exact
  // SFU tiles: of the compute cycles, the last ones that only drain the pipeline. Under the
  // overlap schedule the next tile enters the SFU while they run.
  int64_t drain_cycles = 0;
  PerOperand load_bytes{};  // DRAM -> each buffer partition
  int64_t store_bytes = 0;  // ofmap partition -> DRAM
  ComputeActivity work;
  // Systolic geometry, for the cycle-fidelity stepper.
  int32_t active_rows = 0;
  int32_t active_cols = 0;
  int64_t fold_stream = 0;  // T of the fold this tile belongs to
  int64_t stream_begin = 0;
  int64_t stream_end = 0;
  bool fold_start = false;
  bool fold_end = false;
  bool layer_start = false;
  // Dependencies, for the overlap schedule (docs/architecture.md, "Schedules"). Outputs are
  // final in row-major order: once this tile and those before it are stored, the first
  // `done_prefix` elements of the layer's output are. The tile reads the first
  // need[j] / LayerPlan::need_den[j] of input j (all of it when need_den[j] is 0).
  int64_t done_prefix = 0;
  std::array<int64_t, 2> need{};

  int64_t total_load_bytes() const { return load_bytes[0] + load_bytes[1] + load_bytes[2]; }
};

// A layer's tiles are built when the controller reaches the layer and freed when it ends, so
// memory is set by the largest layer. Their number per layer is checked before any is built,
// against a limit the user can raise (duet sim --max-tiles).
inline constexpr int64_t kDefaultMaxTiles = 4'000'000;

class TileBudget {
 public:
  explicit TileBudget(int64_t limit) : limit_(limit) {}
  // Throws InputError naming the layer when it needs more than the limit.
  void check(const std::string& layer, int64_t tiles) const;
  // The product of `factors` (a tile count), or a value above any limit when it overflows.
  static int64_t count(std::initializer_list<int64_t> factors);

  static constexpr int64_t kSaturated = int64_t{1} << 62;

 private:
  int64_t limit_;
};

struct LayerPlan {
  std::string name;
  OpKind op = OpKind::kRelu;
  Unit unit = Unit::kNone;
  std::string note;  // "fused into <producer>", "view", ...
  int64_t macs = 0;
  int64_t folds = 0;
  std::string schedule;      // PE layers: full-stream (SCALE-Sim's) or stream-blocked:<T block>
  int64_t stream_block = 0;  // PE layers: the T block the schedule chose
  int64_t tile_count = 0;    // the tiles mapper.hpp's layer_tiles builds for it
  int64_t row_blocks = 1;    // SFU layers: at least this many tiles (overlap streaming)

  // Dependencies (see Tile). The layers whose outputs this one reads, through views and fused
  // clamps; `whole` when the path reorders elements (a transpose, a slice...), so that all of
  // the source is needed.
  struct Source {
    int layer = 0;
    int input = 0;  // which of the tile's need[] applies
    bool whole = false;
  };
  std::vector<Source> sources;
  std::array<int64_t, 2> need_den{};
  int64_t output_elements = 0;
};

}  // namespace duet
