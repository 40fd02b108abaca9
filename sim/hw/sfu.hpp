#pragma once
// The special-function unit: lanes behind a pipeline, running element-wise, pooling and
// non-linear ops. Its per-tile cycles come from the mapper's pass decomposition.
#include <algorithm>

#include "sim/hw/compute_unit.hpp"

namespace duet::hw {

class Sfu : public ComputeUnit {
 public:
  Sfu(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma)
      : ComputeUnit(name, buffer, dma, kTraceSfu) {}

 protected:
  Busy compute(const TileRef& ref) override {
    // Back-to-back tiles stream through the pipeline only under overlap: sequential keeps the
    // behaviour its reports were checked with.
    const Tile& tile = *ref.tile;
    const int64_t drain = job_->config->schedule == Schedule::kOverlap
                              ? std::min(tile.drain_cycles, tile.compute_cycles)
                              : int64_t{0};
    wait(cycles(tile.compute_cycles - drain));
    return {tile.compute_cycles - drain, drain};
  }
  void account(LayerStats& stats, int64_t cycles) override { stats.sfu_cycles += cycles; }
};

}  // namespace duet::hw
