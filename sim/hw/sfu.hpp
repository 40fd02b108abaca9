#pragma once
// The special-function unit: lanes behind a pipeline, running element-wise, pooling and
// non-linear ops. Its per-tile cycles come from the mapper's pass decomposition.
#include "sim/hw/compute_unit.hpp"

namespace duet::hw {

class Sfu : public ComputeUnit {
 public:
  Sfu(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma)
      : ComputeUnit(name, buffer, dma, kTraceSfu) {}

 protected:
  int64_t compute(const TileRef& ref) override {
    wait(cycles(ref.tile->compute_cycles));
    return ref.tile->compute_cycles;
  }
  void account(LayerStats& stats, int64_t cycles) override { stats.sfu_cycles += cycles; }
};

}  // namespace duet::hw
