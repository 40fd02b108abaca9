#pragma once
// The systolic PE array (WS / OS / IS). Fast fidelity waits the tile's exact cycle count in one
// event; cycle fidelity steps a register-level model of the array one clock at a time.
#include <memory>

#include "sim/hw/compute_unit.hpp"
#include "sim/systolic_stepper.hpp"

namespace duet::hw {

class PeArray : public ComputeUnit {
 public:
  PeArray(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma)
      : ComputeUnit(name, buffer, dma, kTracePe) {}

 protected:
  Busy compute(const TileRef& ref) override;
  void account(LayerStats& stats, int64_t cycles) override { stats.pe_cycles += cycles; }

 private:
  int64_t step_cycles(const TileRef& ref);
  std::unique_ptr<SystolicStepper> fold_;
};

}  // namespace duet::hw
